import { Decimal } from 'decimal.js';
import { z } from 'zod';

/** A positive amount with exactly two decimals, e.g. "1234.56". */
export const positiveMoney = z
  .string()
  .regex(/^\d{1,16}\.\d{2}$/, 'must be an amount with two decimals, e.g. "1234.56"')
  .refine((v) => new Decimal(v).gt(0), 'must be greater than zero');

export const nonNegativeMoney = z
  .string()
  .regex(/^\d{1,16}\.\d{2}$/, 'must be an amount with two decimals, e.g. "1234.56"');

/** 12–19 digits; spaces and dashes are dropped. */
export const cardNumber = z
  .string()
  .transform((v) => v.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^\d{12,19}$/, 'must be 12 to 19 digits'));

export const httpUrl = z
  .string()
  .max(2048)
  .refine((v) => {
    try {
      const url = new URL(v);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

export const text = (max: number) => z.string().trim().min(1, 'is required').max(max);

export const idNumber = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .pipe(z.string().regex(/^\d{17}[\dX]$/, 'must be an 18-character resident ID number'));
