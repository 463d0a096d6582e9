/**
 * Options for opening sources and stores. They are passed in explicitly: only pipelines read the environment
 * (the cloud SDKs' own credential chains and STORAGE_EMULATOR_HOST still apply inside the SDKs).
 */
export interface S3Options {
  /** Custom endpoint for S3-compatible stores, e.g. "http://127.0.0.1:4569". */
  endpoint?: string;
  /** Bucket region; the SDK's own chain (AWS_REGION, profile) when absent, else "us-east-1". */
  region?: string;
  /** Path-style addressing (`endpoint/bucket/key`), needed by most S3-compatible stores. */
  forcePathStyle?: boolean;
  /** Unsigned requests, for public buckets: no credentials are looked up. */
  anonymous?: boolean;
  /** Explicit credentials (tests, S3-compatible stores); otherwise the default AWS credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts made by the SDK itself; default 1 because the retry middleware retries. */
  sdkMaxAttempts?: number;
  /** Keys per ListObjectsV2 page (default: the service's 1000). */
  listPageSize?: number;
}

export interface GcsOptions {
  /** Custom API endpoint (an emulator or a test double), e.g. "http://127.0.0.1:4443". */
  apiEndpoint?: string;
  projectId?: string;
  /** No credentials: public objects only. */
  anonymous?: boolean;
  /** Authenticate even with a custom apiEndpoint (the library skips auth there by default). */
  authWithCustomEndpoint?: boolean;
  /** Objects per listing page (default: the service's 1000). */
  listPageSize?: number;
}

export interface HttpOptions {
  /** Extra request headers (e.g. Authorization). */
  headers?: Record<string, string>;
  /** Per-request time limit used by withDefaults' timeout middleware. */
  timeoutMs?: number;
  /**
   * A server that ignores Range and answers 200 with the whole body is read up to the wanted end only if that
   * end lies within this many bytes (default 16 MiB); beyond it the read fails with RangeNotSupportedError.
   */
  maxIgnoredRangeBytes?: number;
}

export interface StorageOptions {
  s3?: S3Options;
  gcs?: GcsOptions;
  http?: HttpOptions;
}
