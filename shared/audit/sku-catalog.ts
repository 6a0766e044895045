/**
 * Friendly product names and list prices (USD per user per month, public list prices; override
 * with LICENCE_PRICES_FILE) for common SKUs by part number. Unknown SKUs show their part number
 * and no cost rather than a guess.
 */
export const PRODUCT_NAMES: Readonly<Record<string, string>> = {
  SPE_E3: 'Microsoft 365 E3',
  SPE_E5: 'Microsoft 365 E5',
  SPE_F1: 'Microsoft 365 F3',
  ENTERPRISEPACK: 'Office 365 E3',
  ENTERPRISEPREMIUM: 'Office 365 E5',
  STANDARDPACK: 'Office 365 E1',
  SPB: 'Microsoft 365 Business Premium',
  O365_BUSINESS_PREMIUM: 'Microsoft 365 Business Standard',
  O365_BUSINESS_ESSENTIALS: 'Microsoft 365 Business Basic',
  EXCHANGESTANDARD: 'Exchange Online (Plan 1)',
  EXCHANGEENTERPRISE: 'Exchange Online (Plan 2)',
  POWER_BI_PRO: 'Power BI Pro',
  VISIOCLIENT: 'Visio Plan 2',
  PROJECTPROFESSIONAL: 'Project Plan 3',
  EMS: 'Enterprise Mobility + Security E3',
  AAD_PREMIUM: 'Microsoft Entra ID P1',
};

export const DEFAULT_MONTHLY_PRICES: Readonly<Record<string, number>> = {
  SPE_E3: 36,
  SPE_E5: 57,
  SPE_F1: 8,
  ENTERPRISEPACK: 23,
  ENTERPRISEPREMIUM: 38,
  STANDARDPACK: 10,
  SPB: 22,
  O365_BUSINESS_PREMIUM: 12.5,
  O365_BUSINESS_ESSENTIALS: 6,
  EXCHANGESTANDARD: 4,
  EXCHANGEENTERPRISE: 8,
  POWER_BI_PRO: 14,
  VISIOCLIENT: 15,
  PROJECTPROFESSIONAL: 30,
  EMS: 10.6,
  AAD_PREMIUM: 6,
};

/**
 * SKUs whose contents the first one already includes: holding both pays twice for the second.
 * (Microsoft 365 E3 includes Office 365 E3 and Exchange Online Plan 2, and so on.)
 */
export const OVERLAPS: ReadonlyArray<readonly [includes: string, redundant: string]> = [
  ['SPE_E5', 'SPE_E3'],
  ['SPE_E5', 'ENTERPRISEPACK'],
  ['SPE_E5', 'ENTERPRISEPREMIUM'],
  ['SPE_E5', 'EXCHANGESTANDARD'],
  ['SPE_E5', 'EXCHANGEENTERPRISE'],
  ['SPE_E5', 'EMS'],
  ['SPE_E5', 'AAD_PREMIUM'],
  ['SPE_E3', 'ENTERPRISEPACK'],
  ['SPE_E3', 'STANDARDPACK'],
  ['SPE_E3', 'EXCHANGESTANDARD'],
  ['SPE_E3', 'EXCHANGEENTERPRISE'],
  ['SPE_E3', 'EMS'],
  ['SPE_E3', 'AAD_PREMIUM'],
  ['ENTERPRISEPREMIUM', 'ENTERPRISEPACK'],
  ['ENTERPRISEPACK', 'EXCHANGESTANDARD'],
  ['SPB', 'O365_BUSINESS_PREMIUM'],
  ['SPB', 'EXCHANGESTANDARD'],
];

export function productName(skuPartNumber: string): string {
  return PRODUCT_NAMES[skuPartNumber] ?? skuPartNumber;
}
