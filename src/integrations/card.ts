import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IntegrationName } from './store.js';

/** What a feature gives the Integration page: its card's switch and the data of its partial. */
export interface IntegrationCard {
  name: IntegrationName;
  title: string;
  switchLabel: string;
  /** Why the switch may not be turned on right now, or null. */
  refuseEnable?(app: FastifyInstance): string | null;
  /** A line under the switch, e.g. "On, but not configured yet: it does nothing until saved". */
  status?(app: FastifyInstance): string | null;
  /** Locals of views/settings/cards/<name>.eta. */
  load(app: FastifyInstance, request: FastifyRequest): Promise<Record<string, unknown>>;
}
