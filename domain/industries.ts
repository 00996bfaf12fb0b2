import type { BilingualText } from './types.js';

export const INDUSTRY_CODES = [
  'RETAIL',
  'WHOLESALE',
  'CATERING',
  'MANUFACTURING',
  'AGRICULTURE_PROCESSING',
  'TRANSPORT',
  'CONSTRUCTION',
  'SERVICES',
  'OTHER',
] as const;
export type IndustryCode = (typeof INDUSTRY_CODES)[number];

export type IndustryRiskTier = 'LOW' | 'MEDIUM' | 'HIGH';

export interface Industry {
  name: BilingualText;
  riskTier: IndustryRiskTier;
}

// Tiers reflect small-business failure and cash-flow volatility in each sector.
export const INDUSTRIES: Readonly<Record<IndustryCode, Industry>> = {
  RETAIL: { name: { zh: '零售', en: 'Retail' }, riskTier: 'MEDIUM' },
  WHOLESALE: { name: { zh: '批发', en: 'Wholesale' }, riskTier: 'MEDIUM' },
  CATERING: { name: { zh: '餐饮', en: 'Catering' }, riskTier: 'HIGH' },
  MANUFACTURING: { name: { zh: '制造加工', en: 'Manufacturing' }, riskTier: 'MEDIUM' },
  AGRICULTURE_PROCESSING: { name: { zh: '农产品加工', en: 'Agricultural processing' }, riskTier: 'MEDIUM' },
  TRANSPORT: { name: { zh: '交通运输', en: 'Transport' }, riskTier: 'MEDIUM' },
  CONSTRUCTION: { name: { zh: '建筑装修', en: 'Construction' }, riskTier: 'HIGH' },
  SERVICES: { name: { zh: '生活服务', en: 'Consumer services' }, riskTier: 'LOW' },
  OTHER: { name: { zh: '其他', en: 'Other' }, riskTier: 'MEDIUM' },
};
