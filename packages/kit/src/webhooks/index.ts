export { type AddressGuard, type AddressGuardOptions, createAddressGuard, parseAllowlist } from './address-guard.ts';
export { type GuardedPostOptions, guardedPost, type PostOutcome, type Resolve } from './guarded-post.ts';
export { type SignatureCheck, signatureHeader, signWebhookPayload, verifyWebhookSignature } from './signature.ts';
