import { AppError } from '@keelson/kit/errors';
import type { PaymentState } from '../../domain/payment.ts';

/**
 * How a settled payment answers its caller: a failure is a problem naming the payment (so a
 * client can show why and pay again with another method and a new key): a decline is 402
 * `card_declined`, a method the provider does not know is 400 `invalid_payment_method`. Every
 * other state is the payment itself.
 */
export function answerFor(payment: PaymentState): PaymentState {
  switch (payment.failureCode) {
    case null:
      return payment;
    case 'card_declined':
      throw new AppError('invalid', 'card_declined', payment.failureMessage ?? 'The card was declined.', {
        extensions: { decline_code: payment.declineCode, payment_id: payment.id },
      });
    case 'invalid_payment_method':
      throw new AppError(
        'invalid',
        'invalid_payment_method',
        payment.failureMessage ?? 'The payment provider knows no such payment method.',
        { extensions: { payment_id: payment.id } },
      );
  }
}
