/**
 * The reason codes camera-position QA gives a staged camera (migration 0033's `gridops_camera_qa`), shared by
 * the import and review routes and the test-file generator (scripts/camera-import/).
 */
export const QA_FLAGS = [
  'outside_nanjing',
  'outside_jurisdiction',
  'in_water',
  'far_from_road',
  'duplicate_code',
  'duplicate_nearby',
  'heading_missing',
  'heading_impossible',
  'likely_gcj02',
] as const;
export type QaFlag = (typeof QA_FLAGS)[number];

/** The flags a file can carry whoever imports it: outside_jurisdiction depends on the importer, not the file. */
export const FILE_FLAGS = QA_FLAGS.filter((f): f is Exclude<QaFlag, 'outside_jurisdiction'> => f !== 'outside_jurisdiction');
