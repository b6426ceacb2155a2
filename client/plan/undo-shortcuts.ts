/**
 * The planner's undo and redo keys: Ctrl+Z (⌘Z) undoes, Ctrl+Shift+Z and Ctrl+Y redo; a text field keeps its own
 * undo, Alt combinations are left alone.
 */
export function bindUndoShortcuts(target: Window, actions: { undo(): void; redo(): void }): void {
  target.addEventListener('keydown', (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
    const key = event.key.toLowerCase();
    if (key !== 'z' && key !== 'y') return;
    event.preventDefault();
    if (key === 'y' || event.shiftKey) actions.redo();
    else actions.undo();
  });
}
