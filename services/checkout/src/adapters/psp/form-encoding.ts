/** A parameter of a Stripe request: a scalar, a list (`expand[]=a`) or a flat map (`metadata[k]=v`). */
export type FormValue = string | number | boolean | readonly string[] | Readonly<Record<string, string>>;

export type FormParams = Readonly<Record<string, FormValue | undefined>>;

/**
 * Stripe's `application/x-www-form-urlencoded` bracket notation, as its SDKs send it:
 * `metadata[keelson_payment_id]=pay_1`, `expand[]=latest_charge`, `confirm=true`. Undefined
 * parameters are left out; brackets are percent-encoded, which Stripe and the simulator decode.
 */
export function encodeForm(params: FormParams): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (typeof value !== 'object') {
      form.append(key, String(value));
    } else if (isList(value)) {
      for (const item of value) form.append(`${key}[]`, item);
    } else {
      for (const [name, item] of Object.entries(value)) form.append(`${key}[${name}]`, item);
    }
  }
  return form.toString();
}

function isList(value: FormValue): value is readonly string[] {
  return Array.isArray(value);
}
