/** The OLT models EasyPON supports, as shown and as stored. */
export const OLT_MODELS = [
  'ZTE C220', 'ZTE C300', 'ZTE C300v2', 'ZTE C320', 'ZTE C320v2', 'ZTE C620',
  'BDCOM P3310B', 'BDCOM P3608B', 'BDCOM P3310C', 'BDCOM GP3600-08B', 'BDCOM P3600-08E', 'BDCOM GP3600-16B', 'BDCOM P3600-16E',
  'Huawei MA5608T', 'Huawei MA5603T',
] as const;

export type OltModel = (typeof OLT_MODELS)[number];

export function isOltModel(value: string): value is OltModel {
  return (OLT_MODELS as readonly string[]).includes(value);
}
