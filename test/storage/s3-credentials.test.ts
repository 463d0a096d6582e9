import { describe, expect, it } from "vitest";
import { AccessDeniedError, isRetryable } from "../../refs/storage/index.js";
import { mapS3Error } from "../../refs/storage/s3-errors.js";

describe("S3 without credentials", () => {
  it("is access denied with a hint, and not retried (the SDK's CredentialsProviderError)", () => {
    // The shape the SDK's default chain throws when no provider has credentials (no request was made).
    const sdkError = Object.assign(new Error("Could not load credentials from any providers"), {
      name: "CredentialsProviderError",
    });
    const mapped = mapS3Error("s3://bucket/era5/*.nc", sdkError);
    expect(mapped).toBeInstanceOf(AccessDeniedError);
    expect((mapped as AccessDeniedError).message).toContain("s3://bucket/era5/*.nc");
    expect((mapped as AccessDeniedError).message).toContain("no AWS credentials");
    expect((mapped as AccessDeniedError).cause).toBe(sdkError);
    expect(isRetryable(mapped)).toBe(false);
  });
});
