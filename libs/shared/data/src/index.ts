export { connectMongo, isDuplicateKeyError, pingMongo } from './mongo';
