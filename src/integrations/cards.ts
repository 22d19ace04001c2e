import { apiKeysCard } from '../apikeys/card.js';
import { googleCard } from '../google/card.js';
import { userSideCard } from '../userside/card.js';
import type { IntegrationCard } from './card.js';

/** The cards of the Integration page, in the order shown. */
export const integrationCards: IntegrationCard[] = [googleCard, userSideCard, apiKeysCard];
