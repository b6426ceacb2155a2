/**
 * The video wall: a 2×2 or 3×3 grid of live players over the map, the covering cameras of an incident (or a
 * place) in their order. Each tile is one player with its own states (client/video/video-player.ts); an
 * offline camera's tile makes no request. Esc or the close button ends every stream and calls the opener's
 * onClose (the incident view resumes the one stream it stopped while the wall covered it).
 */
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';
import { createVideoPlayer, type PlayerCamera, type VideoPlayer } from '../video/video-player.js';

export type WallLayout = 2 | 3;

export interface VideoWallPanel {
  element: HTMLElement;
  open(cameras: PlayerCamera[], options?: { layout?: WallLayout; onClose?: () => void }): void;
  close(): void;
  isOpen(): boolean;
}

export function createVideoWallPanel(): VideoWallPanel {
  const element = el('div', { className: 'video-wall', testId: 'video-wall', attrs: { hidden: true, role: 'dialog', 'aria-modal': 'true' } });
  let players: VideoPlayer[] = [];
  let cameras: PlayerCamera[] = [];
  let layout: WallLayout = 2;
  let onClose: (() => void) | undefined;

  const stopAll = () => {
    for (const p of players) p.destroy();
    players = [];
  };

  const render = () => {
    stopAll();
    const shown = cameras.slice(0, layout * layout);
    players = shown.map((c) => createVideoPlayer(c, { compact: true }));
    const layoutButton = (n: WallLayout) =>
      el(
        'button',
        {
          className: layout === n ? 'primary' : '',
          dataset: { layout: String(n) },
          attrs: { type: 'button', 'aria-pressed': layout === n ? 'true' : 'false' },
          on: { click: () => ((layout = n), render()) },
        },
        [t(`video.layout${n}`)],
      );
    replaceChildren(element, [
      el('div', { className: 'video-wall-bar' }, [
        el('h2', {}, [t('video.wallTitle', { count: players.length })]),
        layoutButton(2),
        layoutButton(3),
        el(
          'button',
          {
            className: 'panel-close',
            attrs: { type: 'button', title: t('video.close'), 'aria-label': t('video.close') },
            on: { click: () => close() },
          },
          ['×'],
        ),
      ]),
      players.length
        ? el(
            'div',
            { className: `video-wall-grid layout-${layout}`, testId: 'video-wall-grid' },
            players.map((p) => p.element),
          )
        : el('p', { className: 'muted' }, [t('video.wallEmpty')]),
    ]);
  };

  // Esc closes the wall and nothing else: the console's own Esc (on window, after this) would close the case too.
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    close();
  };

  function close(): void {
    stopAll();
    element.hidden = true;
    replaceChildren(element, []);
    document.removeEventListener('keydown', onKey);
    const closed = onClose;
    onClose = undefined;
    closed?.();
  }

  return {
    element,
    open(next, options = {}) {
      if (!element.hidden) close();
      cameras = next;
      // The top four first (2×2); 3×3 is one click away.
      layout = options.layout ?? 2;
      onClose = options.onClose;
      element.hidden = false;
      document.addEventListener('keydown', onKey);
      render();
    },
    close,
    isOpen: () => !element.hidden,
  };
}
