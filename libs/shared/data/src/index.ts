export { connectMongo, isDuplicateKeyError, isOnlyDuplicateKeyErrors, pingMongo } from './mongo';
export { exclusiveWrite } from './exclusive-write';
