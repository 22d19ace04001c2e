import type { OnuSearchExtension, OnuWithOlt } from './repository.js';

export interface OnuPageBlock {
  template: string;
  data: Record<string, unknown>;
}

/**
 * What other features add to the inventory without the inventory knowing them
 * (the UserSide integration fills these when it registers).
 */
export interface InventoryExtensions {
  /** Extra ONU search conditions (customer name, login). */
  searchConditions: OnuSearchExtension[];
  /** Blocks shown on the ONU page after "Information", in order. */
  onuPageBlocks: Array<(onu: OnuWithOlt) => Promise<OnuPageBlock | null>>;
  /** The linked customer's name per ONU id, for lists. */
  customerNames(onuIds: number[]): Map<number, string>;
  /** The `customer` object of the External API's ONU JSON per ONU id (absent: null). */
  customerJson(onuIds: number[]): Map<number, Record<string, unknown>>;
}

export function createInventoryExtensions(): InventoryExtensions {
  return {
    searchConditions: [],
    onuPageBlocks: [],
    customerNames: () => new Map(),
    customerJson: () => new Map(),
  };
}
