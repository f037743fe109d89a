import { type FormParams, type FormValue, isList } from './form-body.ts';
import { parameterInvalid, parameterMissing, parameterUnknown } from './stripe-errors.ts';

/**
 * Typed reads of one request's parameters with Stripe's validation errors. Every name read
 * is remembered, so `rejectUnknown()` can answer `parameter_unknown` for the rest, as Stripe does.
 */
export class Params {
  private readonly read = new Set<string>();

  private readonly values: FormParams;
  private readonly prefix: string;

  constructor(values: FormParams, prefix = '') {
    this.values = values;
    this.prefix = prefix;
  }

  private name(key: string): string {
    return this.prefix === '' ? key : `${this.prefix}[${key}]`;
  }

  private raw(key: string): FormValue | undefined {
    this.read.add(key);
    return this.values.get(key);
  }

  string(key: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined || typeof value === 'string') return value;
    throw parameterInvalid(this.name(key), `Invalid string: ${this.name(key)} must be a string, not an object.`);
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined || value === '') throw parameterMissing(this.name(key));
    return value;
  }

  integer(key: string): number | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
      throw parameterInvalid(this.name(key), `Invalid integer: ${value}`, 'parameter_invalid_integer');
    }
    return parsed;
  }

  boolean(key: string): boolean | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (value === 'true' || value === 'false') return value === 'true';
    throw parameterInvalid(this.name(key), `Invalid boolean: ${value}`);
  }

  /** A flat `name[k]=v` map, such as metadata. */
  stringMap(key: string): ReadonlyMap<string, string> | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string' || isList(value)) {
      // Stripe accepts `metadata=` (empty) to mean "no metadata".
      if (value === '') return new Map();
      throw parameterInvalid(this.name(key), `Invalid object: ${this.name(key)} must be a hash.`);
    }
    const out = new Map<string, string>();
    for (const [k, v] of value) {
      if (typeof v !== 'string')
        throw parameterInvalid(`${this.name(key)}[${k}]`, 'Invalid string: nested values are not allowed.');
      out.set(k, v);
    }
    return out;
  }

  stringList(key: string): readonly string[] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (!(typeof value !== 'string' && isList(value)) || value.some((item) => typeof item !== 'string')) {
      throw parameterInvalid(this.name(key), `Invalid array: ${this.name(key)} must be a list of strings.`);
    }
    return value.filter((item): item is string => typeof item === 'string');
  }

  /** A nested hash such as `automatic_payment_methods[enabled]`, read with its own unknown-key check. */
  object(key: string): Params | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string' || isList(value)) {
      throw parameterInvalid(this.name(key), `Invalid object: ${this.name(key)} must be a hash.`);
    }
    return new Params(value, this.name(key));
  }

  rejectUnknown(): void {
    for (const key of this.values.keys()) if (!this.read.has(key)) throw parameterUnknown(this.name(key));
  }
}
