// Maps the `@cyborg/*` aliases of tsconfig.base.json to source files for Jest.
const { compilerOptions } = require('../tsconfig.base.json');

function pathsToModuleNameMapper() {
  const mapper = {};
  for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
    mapper[`^${alias}$`] = `<rootDir>/${target}`;
  }

  return mapper;
}

module.exports = { pathsToModuleNameMapper };
