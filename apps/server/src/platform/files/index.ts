/** Files: uploaded photos, checked, stripped of metadata and stored; claimed by what they are uploaded for. */
export {
  allowedImageTypes,
  DEFAULT_IMAGE_LIMITS,
  type EncodedImage,
  formatMegabytes,
  heicSupported,
  type ImageLimits,
  type ProcessedImage,
  processImage,
} from './image.ts';
export {
  type Attachment,
  claimUploads,
  type FileContent,
  type FileRecord,
  findFile,
  findOwnUpload,
  listAttached,
  pruneUnattached,
  readFile,
  storeUpload,
  type Uploader,
  uploaderOf,
} from './repository.ts';
export { fileRoutes } from './routes.ts';
export { etagOf, IMAGE_MAX_AGE_SECONDS, sendImage } from './send.ts';
export { databaseFileStore, type FileStore, type FileVariant } from './store.ts';
