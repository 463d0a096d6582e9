/** STAC objects as plain JSON; builders fill them, the store keeps them as given. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface StacLink {
  rel: string;
  href: string;
  type?: string;
  title?: string;
  method?: string;
  body?: Json;
  merge?: boolean;
}

export interface StacItem {
  type: "Feature";
  stac_version: string;
  stac_extensions?: string[];
  id: string;
  collection?: string;
  geometry: JsonObject | null;
  bbox?: number[];
  properties: JsonObject;
  links: StacLink[];
  assets: Record<string, JsonObject>;
  [key: string]: unknown;
}

export interface StacCollection {
  type: "Collection";
  stac_version: string;
  stac_extensions?: string[];
  id: string;
  description: string;
  license: string;
  extent: { spatial: { bbox: number[][] }; temporal: { interval: (string | null)[][] } };
  links: StacLink[];
  [key: string]: unknown;
}

export const STAC_VERSION = "1.0.0";
