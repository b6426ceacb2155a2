/** Interface strings: zh-CN by default, English available; the choice is remembered. */
export type Language = 'zh-CN' | 'en';

export const messages: Record<Language, Record<string, string>> = {
  'zh-CN': {
    title: 'GridOps 南京网格化治理',
    switchLanguage: 'English',
    loading: '正在读取…',
    ready: '服务运行中',
    failed: '无法读取运行状态',
    generatedNote: '街道及以下各级边界、网格员、摄像头与传感器为生成数据，并非官方边界。',
    ogcLink: 'OGC API – Features（GDAL / QGIS 可读）',
    healthLink: '运行状态 JSON',
    attribution: '行政区边界：高德 / poi86.com · 道路、水系、用地 © OpenStreetMap contributors',
    district: '区',
    street: '街道 / 镇',
    community: '社区 / 村',
    grid: '网格',
    micro_grid: '微网格',
    workers: '网格员',
    cameras: '摄像头',
    sensors: '物联感知设备',
    road_vertices: '路网节点',
    road_edges: '路网有向边',
    databaseLine: '数据库：{mode}，PostgreSQL {postgres}，PostGIS {postgis}',
    embedded: '内嵌 (PGlite)',
    postgres: 'PostgreSQL 服务器',
  },
  en: {
    title: 'GridOps — Nanjing grid governance',
    switchLanguage: '中文',
    loading: 'Loading…',
    ready: 'Server running',
    failed: 'Could not read the server status',
    generatedNote: 'Boundaries below the district level, workers, cameras and sensors are generated data, not official boundaries.',
    ogcLink: 'OGC API – Features (readable by GDAL / QGIS)',
    healthLink: 'Health JSON',
    attribution: 'District boundaries: Amap / poi86.com · roads, water, landuse © OpenStreetMap contributors',
    district: 'Districts',
    street: 'Streets / towns',
    community: 'Communities / villages',
    grid: 'Grids',
    micro_grid: 'Micro-grids',
    workers: 'Grid workers',
    cameras: 'Cameras',
    sensors: 'IoT sensors',
    road_vertices: 'Road vertices',
    road_edges: 'Directed road edges',
    databaseLine: 'Database: {mode}, PostgreSQL {postgres}, PostGIS {postgis}',
    embedded: 'embedded (PGlite)',
    postgres: 'PostgreSQL server',
  },
};

export function currentLanguage(): Language {
  return localStorage.getItem('gridops.language') === 'en' ? 'en' : 'zh-CN';
}

export function setLanguage(language: Language): void {
  localStorage.setItem('gridops.language', language);
}

export function translate(language: Language, key: string, values: Record<string, string> = {}): string {
  const text = messages[language][key] ?? messages['zh-CN'][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
}
