import type { IntegrationCard } from '../integrations/card.js';

export const userSideCard: IntegrationCard = {
  name: 'userside',
  title: 'UserSide integration',
  switchLabel: 'Turn on UserSide integration?',
  load: async () => ({}),
};
