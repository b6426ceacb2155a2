/** Layer toggles and the legend, from the map's own registry (ConsoleMap.layerStates()). */
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';

export interface LayerState {
  id: string;
  titleKey: string;
  visible: boolean;
  legend: { labelKey: string; color: string }[];
}

export interface LayerPanel {
  element: HTMLElement;
  render(): void;
  toggle(): void;
}

export function createLayerPanel(options: { layerStates(): LayerState[]; setLayerVisible(id: string, visible: boolean): void }): LayerPanel {
  const element = el('section', { className: 'layer-panel', testId: 'layer-panel' });
  let collapsed = false;

  const render = () => {
    const layers = options.layerStates();
    replaceChildren(element, [
      el(
        'button',
        { className: 'layer-panel-title', attrs: { type: 'button', 'aria-expanded': collapsed ? 'false' : 'true' }, on: { click: () => toggle() } },
        [t('layersTitle')],
      ),
      collapsed
        ? null
        : el(
            'ul',
            { className: 'layer-list' },
            layers.map((layer) =>
              el('li', {}, [
                el('label', {}, [
                  el('input', {
                    attrs: { type: 'checkbox', checked: layer.visible },
                    dataset: { layerId: layer.id },
                    on: {
                      change: (e) => {
                        options.setLayerVisible(layer.id, (e.target as HTMLInputElement).checked);
                        render();
                      },
                    },
                  }),
                  ' ',
                  t(layer.titleKey),
                ]),
                layer.visible && layer.legend.length > 0
                  ? el(
                      'ul',
                      { className: 'legend', attrs: { 'aria-label': t('legend') } },
                      layer.legend.map((entry) => {
                        const swatch = el('span', { className: 'swatch' });
                        swatch.style.background = entry.color;
                        return el('li', {}, [swatch, t(entry.labelKey)]);
                      }),
                    )
                  : null,
              ]),
            ),
          ),
    ]);
  };
  const toggle = () => {
    collapsed = !collapsed;
    render();
  };
  render();
  return { element, render, toggle };
}
