import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { serverLoggerOptions } from './log-options.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const app = await buildApp(config, {
  userSide: { scheduler: true },
  logger: serverLoggerOptions(config.logLevel),
});

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, async () => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: finishing requests in flight, then stopping`);
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'unclean shutdown');
      process.exit(1);
    }
  });
}

try {
  await app.listen({ port: config.port, host: config.host });
  app.log.info(`EasyPON serving ${config.publicUrl.href}`);
} catch (error) {
  app.log.error(`Could not listen on ${config.host}:${config.port}: ${(error as Error).message}`);
  process.exit(1);
}
