// Preloaded by `node -r` so the compiled services resolve `@cyborg/*` imports
// to the compiled libraries under dist/.
const path = require('node:path');
const tsconfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../tsconfig.base.json');

const paths = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  paths[alias] = [target.replace(/\.ts$/, '.js')];
}
tsconfigPaths.register({ baseUrl: path.join(__dirname, '..', 'dist'), paths });
