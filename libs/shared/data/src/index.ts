export { connectMongo, isDuplicateKeyError, pingMongo } from './mongo';
export { exclusiveWrite } from './exclusive-write';
