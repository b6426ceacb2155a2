/**
 * Shapes of the video module's answers that other contracts reuse (server/contract/api-route.ts). No Node-only
 * imports: the client type-imports it.
 */
import { z } from 'zod';

/** A camera whose field of view covers a point, or a near one that may not see it (server/video/camera-coverage.ts). */
export const coveringCameraSchema = z.strictObject({
  code: z.string(),
  name: z.string(),
  online: z.boolean(),
  ptz: z.boolean(),
  presetHeadings: z.array(z.number()),
  headingDeg: z.number(),
  fovDeg: z.number(),
  rangeM: z.number(),
  lon: z.number(),
  lat: z.number(),
  /** Metres from the camera to the point, on the sphere. */
  distanceM: z.number(),
  /** Bearing from the camera to the point (degrees clockwise from north). */
  bearingDeg: z.number(),
  /** The point lies in the camera's field of view. */
  covers: z.boolean(),
  /** Near, but its field of view does not include the point. */
  mayNotSee: z.boolean(),
  /** A PTZ camera's preset closest to the point's bearing. */
  suggestedPresetDeg: z.number().nullable(),
  generated: z.boolean(),
});
export type CoveringCamera = z.output<typeof coveringCameraSchema>;
