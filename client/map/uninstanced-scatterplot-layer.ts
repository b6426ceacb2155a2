/**
 * deck.gl's ScatterplotLayer drawn without instancing: each point is two triangles of its own in one vertex
 * buffer, drawn by one non-instanced draw call. Same shaders, props, picking and transitions as the original.
 *
 * Why: software WebGL (SwiftShader: what Chromium uses on a machine without a GPU, and what the tests run) runs an
 * instanced draw call as one internal draw per instance, each with its own set-up. The ScatterplotLayer draws one
 * instance per point, and at the dispatcher's zoom the incidents and workers in view (about 700) cost 20–25 ms of
 * every frame that way, 37 µs a point (BENCHMARKS.md); drawn as plain triangles they cost a fraction of that.
 *
 *   - The attributes the ScatterplotLayer registers per instance are read per vertex instead (their stepMode), and
 *     the layer's startIndices (VERTICES_PER_POINT per point) make deck.gl repeat each point's values for its vertices.
 *   - `positions` (the corner of the unit square, per vertex in the original geometry) is an attribute too.
 *   - Picking: the shader's USE_ROW_INDEXES path takes the picking colour from a `rowIndexes` attribute (the
 *     point's index in the data) instead of gl_InstanceID, which is 0 here.
 */
import type { UpdateParameters } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import { Model } from '@luma.gl/engine';

/** Two triangles per point. */
export const VERTICES_PER_POINT = 6;

/** The corners of the square around the unit circle, as the two triangles of a point (x, y, z per vertex). */
export const POINT_CORNERS = new Float32Array([-1, -1, 0, 1, -1, 0, -1, 1, 0, -1, 1, 0, 1, -1, 0, 1, 1, 0]);

/** The first vertex of each of `count` points, and the vertex count after the last (deck.gl startIndices). */
export function pointStartIndices(count: number): Uint32Array {
  const starts = new Uint32Array(count + 1);
  for (let i = 0; i <= count; i++) starts[i] = i * VERTICES_PER_POINT;
  return starts;
}

export class UninstancedScatterplotLayer<DataT = unknown, ExtraProps extends object = object> extends ScatterplotLayer<DataT, ExtraProps> {
  static layerName = 'UninstancedScatterplotLayer';

  declare state: ScatterplotLayer['state'] & { numInstances?: number; startIndices?: Uint32Array };

  getShaders() {
    const shaders = super.getShaders();
    return { ...shaders, defines: { ...shaders.defines, USE_ROW_INDEXES: true } };
  }

  initializeState(): void {
    super.initializeState();
    const attributes = this.getAttributeManager();
    if (!attributes) throw new Error('UninstancedScatterplotLayer: no attribute manager');
    // The ScatterplotLayer registered its attributes per instance (addInstanced); here every one is per vertex.
    for (const attribute of Object.values(attributes.getAttributes())) attribute.settings.stepMode = 'vertex';
    attributes.add({
      positions: { size: 3, accessor: () => POINT_CORNERS },
      rowIndexes: { size: 1, accessor: (_object: unknown, { index }: { index: number }) => index },
    });
  }

  updateState(params: UpdateParameters<this>): void {
    const { changeFlags } = params;
    if (changeFlags.dataChanged || !this.state.startIndices) {
      const count = countOf(this.props.data);
      this.setState({ numInstances: count * VERTICES_PER_POINT, startIndices: pointStartIndices(count) });
    }
    super.updateState(params);
  }

  draw(options: Parameters<ScatterplotLayer['draw']>[0]): void {
    this.state.model?.setVertexCount(this.state.numInstances ?? 0);
    super.draw(options);
  }

  protected _getModel(): Model {
    return new Model(this.context.device, {
      ...this.getShaders(),
      id: this.props.id,
      bufferLayout: this.getAttributeManager()!.getBufferLayouts({ isInstanced: false }),
      topology: 'triangle-list',
      isInstanced: false,
      vertexCount: 0,
    });
  }
}

function countOf(data: unknown): number {
  if (Array.isArray(data)) return data.length;
  if (data && typeof data === 'object' && 'length' in data && typeof data.length === 'number') return data.length;
  throw new Error('UninstancedScatterplotLayer: data must be an array');
}
