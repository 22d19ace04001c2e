import { isHttps } from '../config.js';
import type { IntegrationCard } from '../integrations/card.js';

export const googleCard: IntegrationCard = {
  name: 'google',
  title: 'Google Authorization',
  switchLabel: 'Turn on Google Authorization?',
  refuseEnable: (app) => (isHttps(app.config)
    ? null
    : 'Google sign-in needs HTTPS: set PUBLIC_URL to the https:// address of this server.'),
  load: async () => ({}),
};
