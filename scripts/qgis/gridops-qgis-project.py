#!/usr/bin/python3
"""
What an analyst does in QGIS with GridOps, done by QGIS itself (PyQGIS, Debian's python3-qgis, headless):
store the screen token as an HTTP Basic authentication configuration, add the city's micro-grids from the
OGC API (in CGCS2000 where the QGIS version asks the server for it), last month's red and orange incidents of one
street, the per-street statistics, the console's basemap as vector tiles in the console's own style (the MapLibre
style JSON converted by QGIS), render the map to a PNG and save the project.

    /usr/bin/python3 scripts/qgis/gridops-qgis-project.py BASE_URL SCREEN_TOKEN OUT_DIR [STREET_CODE]
    /usr/bin/python3 scripts/qgis/gridops-qgis-project.py --open PROJECT.qgs SCREEN_TOKEN

Prints one JSON object (what QGIS loaded, counted and drew). OUT_DIR gets gridops.qgs and map.png. The
authentication configuration gets the fixed id `gridops` (QGIS ids are 7 characters), so a saved project
finds the token on any machine where the analyst stores theirs under that id (docs/qgis/README.md).
Used by server/ogc/ogc-qgis.spec.ts; docs/qgis/gridops.qgs was written by it against http://127.0.0.1:8080.
"""
import datetime
import json
import os
import sys
import tempfile

os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
os.environ.setdefault('QGIS_AUTH_DB_DIR_PATH', tempfile.mkdtemp(prefix='gridops-qgis-auth-'))

from qgis.core import (  # noqa: E402  (the environment above must be set before QGIS loads)
    Qgis,
    QgsApplication,
    QgsAuthMethodConfig,
    QgsBlockingNetworkRequest,
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsMarkerSymbol,
    QgsRendererCategory,
    QgsSingleSymbolRenderer,
    QgsCoordinateReferenceSystem,
    QgsFeatureRequest,
    QgsMapBoxGlStyleConversionContext,
    QgsMapBoxGlStyleConverter,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
    QgsVectorTileLayer,
)
from qgis.PyQt.QtCore import QSize, QUrl  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402
from qgis.PyQt.QtNetwork import QNetworkRequest  # noqa: E402

AUTH_ID = 'gridops'
# The console's grade colours (client/map/map-palette.ts, light theme).
GRADE_RED = '#dc2626'
GRADE_ORANGE = '#f97316'


def store_token(token):
    auth = QgsApplication.authManager()
    auth.setMasterPassword('gridops-sample', True)
    config = QgsAuthMethodConfig('Basic')
    config.setId(AUTH_ID)
    config.setName('GridOps screen token')
    config.setConfig('username', 'qgis')
    config.setConfig('password', token)
    return bool(auth.storeAuthenticationConfig(config, True))


def open_project(path, token):
    """Open a saved project (e.g. docs/qgis/gridops.qgs) with the token stored under its id: which layers load."""
    app = QgsApplication([], False)
    app.initQgis()
    store_token(token)
    project = QgsProject.instance()
    read = project.read(path)
    layers = [
        {'name': layer.name(), 'valid': layer.isValid(), 'features': layer.featureCount() if isinstance(layer, QgsVectorLayer) else None}
        for layer in project.mapLayers().values()
    ]
    print(json.dumps({'read': bool(read), 'crs': project.crs().authid(), 'layers': layers}, ensure_ascii=False))
    app.exitQgis()


def main():
    if sys.argv[1] == '--open':
        open_project(sys.argv[2], sys.argv[3])
        return
    base, token, out_dir = sys.argv[1].rstrip('/'), sys.argv[2], sys.argv[3]
    street = sys.argv[4] if len(sys.argv) > 4 else '320113007'
    os.makedirs(out_dir, exist_ok=True)
    app = QgsApplication([], False)
    app.initQgis()
    result = {'qgisVersion': Qgis.version()}

    result['authStored'] = store_token(token)

    def oapif(typename, title, srs='EPSG:4326'):
        uri = f"pageSize='10000' restrictToRequestBBOX='0' srsname='{srs}' typename='{typename}' url='{base}/ogc' authcfg='{AUTH_ID}'"
        return QgsVectorLayer(uri, title, 'OAPIF')

    micro = oapif('micro_grids', '微网格 Micro-grids', 'EPSG:4490')
    features = list(micro.getFeatures()) if micro.isValid() else []
    result['microGrids'] = {
        'valid': micro.isValid(),
        'crs': micro.crs().authid(),
        'count': len(features),
        'fields': [f.name() for f in micro.fields()],
        'firstCode': features[0]['code'] if features else None,
        'extent': [round(v, 5) for v in (micro.extent().xMinimum(), micro.extent().yMinimum(), micro.extent().xMaximum(), micro.extent().yMaximum())] if micro.isValid() else None,
    }

    # Last month's red and orange incidents of one street: the filter is a QGIS subset string. QGIS holds the
    # server's times as the machine's local time, so the month's bounds (Asia/Shanghai) are given in local time.
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    today = datetime.datetime.now(shanghai).date()
    first_of_this_month = today.replace(day=1)
    last_month = (first_of_this_month - datetime.timedelta(days=1)).replace(day=1)

    def local(day):
        t = datetime.datetime(day.year, day.month, day.day, tzinfo=shanghai).astimezone()
        return f'make_datetime({t.year}, {t.month}, {t.day}, {t.hour}, {t.minute}, {t.second})'

    incidents = oapif('incidents', '事件 Incidents (red, orange)')
    subset = (
        f"\"street_code\" = '{street}' AND \"grade\" IN ('red', 'orange') "
        f'AND "reported_at" >= {local(last_month)} AND "reported_at" < {local(first_of_this_month)}'
    )
    result['incidents'] = {'valid': incidents.isValid(), 'subsetAccepted': incidents.setSubsetString(subset)}
    picked = list(incidents.getFeatures(QgsFeatureRequest())) if incidents.isValid() else []
    result['incidents'].update({
        'count': len(picked),
        'numbers': sorted(f['number'] for f in picked),
        'grades': sorted({f['grade'] for f in picked}),
        'month': last_month.isoformat()[:7],
    })

    stats = oapif('unit_statistics', '统计 Statistics per street and month')
    stats.setSubsetString(f"\"level\" = 'street' AND \"month\" = '{last_month.isoformat()[:7]}'")
    stats_rows = list(stats.getFeatures()) if stats.isValid() else []
    result['statistics'] = {'valid': stats.isValid(), 'count': len(stats_rows), 'streets': sorted(f['code'] for f in stats_rows)}

    # The console's look: its MapLibre style, fetched with the token and converted by QGIS.
    request = QgsBlockingNetworkRequest()
    request.setAuthCfg(AUTH_ID)
    status = request.get(QNetworkRequest(QUrl(f'{base}/ogc/styles/console?theme=light')))
    style = json.loads(bytes(request.reply().content()).decode('utf-8')) if status == QgsBlockingNetworkRequest.NoError else None
    tiles_url = style['sources']['units']['tiles'][0] if style else f'{base}/tiles/water,landuse,roads,unit_boundaries,micro_grids,unit_labels/{{z}}/{{x}}/{{y}}'
    basemap = QgsVectorTileLayer(f'type=xyz&url={tiles_url}&zmin=0&zmax=14&authcfg={AUTH_ID}', '底图 Console basemap')
    converted = {'styleFetched': style is not None}
    if style and basemap.isValid():
        converter = QgsMapBoxGlStyleConverter()
        context = QgsMapBoxGlStyleConversionContext()
        outcome = converter.convert(style, context)
        converted['converted'] = outcome == QgsMapBoxGlStyleConverter.Success
        converted['warnings'] = len(context.warnings())
        if converter.renderer():
            basemap.setRenderer(converter.renderer())
        if converter.labeling():
            basemap.setLabeling(converter.labeling())
        converted['rendererStyles'] = len(converter.renderer().styles()) if converter.renderer() else 0
    result['basemap'] = {'valid': basemap.isValid(), **converted}

    # The console's look for the operational layers: micro-grid outlines, incidents in their grade's colour.
    if micro.isValid():
        micro.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({'color': '0,0,0,0', 'outline_color': '91,103,120,255', 'outline_width': '0.2'})))
    if incidents.isValid():
        categories = [
            QgsRendererCategory(grade, QgsMarkerSymbol.createSimple({'name': 'circle', 'color': colour, 'size': '2.6', 'outline_color': '255,255,255,255'}), label)
            for grade, colour, label in (('red', GRADE_RED, '红色 red'), ('orange', GRADE_ORANGE, '橙色 orange'))
        ]
        incidents.setRenderer(QgsCategorizedSymbolRenderer('grade', categories))

    project = QgsProject.instance()
    project.setTitle('GridOps — Nanjing (generated grids, OGC API and console basemap)')
    project.setCrs(QgsCoordinateReferenceSystem('EPSG:4490'))
    for layer in (basemap, micro, stats, incidents):
        if layer.isValid():
            project.addMapLayer(layer)

    # Draw what the analyst sees: the street's extent, basemap and micro-grids.
    settings = QgsMapSettings()
    settings.setLayers([layer for layer in (incidents, micro, basemap) if layer.isValid()])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem('EPSG:3857'))
    settings.setOutputSize(QSize(800, 600))
    settings.setBackgroundColor(QColor(255, 255, 255))
    extent = micro.extent() if micro.isValid() else QgsRectangle(118.8, 32.0, 119.0, 32.2)
    from qgis.core import QgsCoordinateTransform  # noqa: E402
    to_mercator = QgsCoordinateTransform(micro.crs() if micro.isValid() else QgsCoordinateReferenceSystem('EPSG:4326'), settings.destinationCrs(), project)
    settings.setExtent(to_mercator.transformBoundingBox(extent))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    png = os.path.join(out_dir, 'map.png')
    image.save(png)
    white = QColor(255, 255, 255).rgb()
    red = QColor(GRADE_RED)
    drawn = incident_pixels = 0
    for x in range(image.width()):
        for y in range(image.height()):
            pixel = QColor(image.pixel(x, y))
            drawn += pixel.rgb() != white
            incident_pixels += abs(pixel.red() - red.red()) + abs(pixel.green() - red.green()) + abs(pixel.blue() - red.blue()) < 30
    result['render'] = {'png': png, 'pixels': image.width() * image.height(), 'drawn': drawn, 'redIncidentPixels': incident_pixels}

    qgs = os.path.join(out_dir, 'gridops.qgs')
    result['project'] = {'written': bool(project.write(qgs)), 'path': qgs, 'layers': [layer.name() for layer in project.mapLayers().values()]}
    print(json.dumps(result, ensure_ascii=False))
    app.exitQgis()


if __name__ == '__main__':
    main()
