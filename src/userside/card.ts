import type { FastifyInstance } from 'fastify';
import type { IntegrationCard } from '../integrations/card.js';
import type { FieldErrors } from '../lib/form.js';
import type { UserSideForm } from './card-form.js';
import type { ConnectionTestResult } from './connection-test.js';
import { CUSTOMER_FIELDS } from './fields.js';
import { runsSectionData } from './runs-view.js';
import { DEFAULT_FIELDS, DEFAULT_INTERVAL_MINUTES, NOT_CONFIGURED, userSideState } from './settings.js';

export interface UserSideCardView {
  /** the typed form, shown instead of the saved values */
  form?: UserSideForm;
  errors?: FieldErrors;
  notice?: string | null;
  testResult?: ConnectionTestResult | null;
}

/** Locals of views/settings/cards/userside.eta: the saved values unless the typed ones are given. */
export function userSideCardData(app: FastifyInstance, view: UserSideCardView = {}): Record<string, unknown> {
  const { settings, hasSecret } = userSideState(app);
  const form = view.form;
  return {
    userside: {
      type: form?.type ?? settings?.type ?? 'import',
      intervalMinutes: form?.intervalMinutes ?? String(settings?.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES),
      apiUrl: form?.apiUrl ?? settings?.apiUrl ?? '',
      snFieldId: form?.snFieldId ?? (settings?.snFieldId ? String(settings.snFieldId) : ''),
      selected: form?.fields ?? settings?.fields ?? [...DEFAULT_FIELDS],
      fieldChoices: CUSTOMER_FIELDS,
      hasSecret,
      errors: view.errors ?? {},
      notice: view.notice ?? null,
      testResult: view.testResult ?? null,
    },
    ...runsSectionData(app),
  };
}

export const userSideCard: IntegrationCard = {
  name: 'userside',
  title: 'UserSide integration',
  switchLabel: 'Turn on UserSide integration?',
  status(app) {
    const { enabled, settings, hasSecret } = userSideState(app);
    if (enabled && (!settings || !hasSecret)) return NOT_CONFIGURED;
    return null;
  },
  load: async (app) => userSideCardData(app),
};
