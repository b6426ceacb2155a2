/** Small formatting helpers of the field app and the citizens' page. */
import { currentLanguage, t } from '../i18n.js';

export function formatMetres(metres: number): string {
  return metres >= 1000 ? `${(metres / 1000).toFixed(1)} km` : `${Math.round(metres)} m`;
}

export function categoryName(item: { category: string; category_zh?: string; category_en?: string }): string {
  return (currentLanguage() === 'en' ? item.category_en : item.category_zh) ?? item.category;
}

export function stateName(state: string): string {
  return t(`m.state.${state}`);
}
