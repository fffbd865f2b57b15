// Preloaded with `node --import`: reports on stderr every @tensorflow module the process loads,
// through ESM resolution or CommonJS require alike.
import { register } from 'node:module';
import Module from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier.includes('@tensorflow')) process.stderr.write('[tfjs-loaded] ' + specifier + '\\n');
  return next(specifier, context);
}`));
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request.includes('@tensorflow')) process.stderr.write('[tfjs-loaded] ' + request + '\n');
  return load.call(this, request, ...rest);
};
