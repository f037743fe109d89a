import { z } from 'zod';
import { maxWebhookUrlLength, webhookEventTypes } from '../../domain/webhooks.ts';
import { objectId, pageQuery, timestamp } from './schemas.ts';

// Wire schemas of webhook endpoints, their deliveries, and events.

const eventType = z.enum(webhookEventTypes);

export const webhookEndpointSchema = z
  .object({
    object: z.literal('webhook_endpoint'),
    id: z.string().describe('we_… identifier'),
    url: z.string(),
    enabled_events: z.array(z.string()).describe('Event types delivered, or ["*"] for all'),
    previous_secret_expires_at: timestamp
      .nullable()
      .describe('Until then deliveries also carry a signature made with the secret before the last rotation'),
    created_at: timestamp,
  })
  .meta({ id: 'WebhookEndpoint' });

export const webhookEndpointWithSecretSchema = webhookEndpointSchema
  .extend({
    secret: z.string().describe('whsec_… signing secret: shown this once, store it now'),
  })
  .meta({ id: 'WebhookEndpointWithSecret' });

export const createWebhookEndpointBody = z
  .strictObject({
    url: z
      .string()
      .min(1)
      .max(maxWebhookUrlLength)
      .describe('https:// URL the events are POSTed to; its address must be public (checked at every delivery)'),
    enabled_events: z
      .array(z.union([eventType, z.literal('*')]))
      .min(1)
      .max(webhookEventTypes.length)
      .describe('Event types to deliver, or ["*"] for all of them'),
  })
  .meta({ id: 'CreateWebhookEndpoint' });

export const deletedWebhookEndpointSchema = z
  .object({ object: z.literal('webhook_endpoint'), id: z.string(), deleted: z.literal(true) })
  .meta({ id: 'DeletedWebhookEndpoint' });

// Rotation takes no fields; an empty object (or no body at all) is the only valid input.
export const rotateSecretBody = z.strictObject({}).nullish().meta({ id: 'RotateWebhookSecret' });

const attemptSchema = z.object({
  attempted_at: timestamp,
  status_code: z.number().int().nullable().describe("The receiver's HTTP status; null if none came"),
  duration_ms: z.number().int(),
  error: z.string().nullable().describe('Why the attempt failed (never the receiver body)'),
});

export const webhookDeliverySchema = z
  .object({
    object: z.literal('webhook_delivery'),
    id: z.string().describe('whd_… identifier'),
    endpoint_id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    status: z.enum(['pending', 'succeeded', 'dead']),
    attempts: z.number().int().describe('Attempts made so far'),
    next_attempt_at: timestamp.nullable().describe('When the next attempt is due; null once succeeded or dead'),
    recent_attempts: z.array(attemptSchema).describe('The last attempts, oldest first (at most 25)'),
    created_at: timestamp,
    completed_at: timestamp.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export const eventSchema = z
  .object({
    id: z.string().describe('evt_… identifier'),
    object: z.literal('event'),
    type: z.string(),
    created: z.number().int().describe('Unix seconds'),
    data: z.object({ object: z.record(z.string(), z.unknown()).describe('The object as the API shows it') }),
  })
  .meta({ id: 'Event' });

export const listEventsQuery = z.strictObject({
  ...pageQuery,
  type: objectId.optional().describe('Only events of this type (e.g. order.paid)'),
});

/** Cursor paging alone, for the webhook lists. */
export const pageOnlyQuery = z.strictObject(pageQuery);
