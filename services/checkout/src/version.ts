/** Reported in logs and the OpenAPI document; bumped with each release. */
export const serviceVersion = '0.1.0';
