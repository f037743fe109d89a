import { AppError } from '@keelson/kit/errors';
import type { PaymentState } from '../../domain/payment.ts';

/**
 * How a settled payment answers its caller: a decline is a 402 problem naming the payment (so a
 * client can show why and pay again with another method and a new key); every other state is
 * the payment itself.
 */
export function answerFor(payment: PaymentState): PaymentState {
  if (payment.status === 'failed' && payment.failureCode === 'card_declined') {
    throw new AppError('invalid', 'card_declined', payment.failureMessage ?? 'The card was declined.', {
      extensions: { decline_code: payment.declineCode, payment_id: payment.id },
    });
  }
  return payment;
}
