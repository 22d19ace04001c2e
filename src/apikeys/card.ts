import type { IntegrationCard } from '../integrations/card.js';

export const apiKeysCard: IntegrationCard = {
  name: 'apikeys',
  title: 'API Keys',
  switchLabel: 'Turn on External API?',
  load: async () => ({}),
};
