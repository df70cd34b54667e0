"""Real places for the demo: the programme's three regions and cacao districts.

Ubigeo codes are INEI's. Capital coordinates are approximate (about +-0.02 degrees, read off public
gazetteers of district capitals); they only anchor synthetic comunidades and plots.
Weights say roughly how much of a region's cacao lies in each district in the demo.
"""

from __future__ import annotations

from typing import NamedTuple


class DistritoRow(NamedTuple):
    ubigeo: str
    name: str
    capital: str
    lat: float
    lon: float
    weight: float


DEPARTAMENTOS = {"10": "Huánuco", "22": "San Martín", "25": "Ucayali"}

PROVINCIAS = {
    "1006": "Leoncio Prado",
    "1009": "Puerto Inca",
    "2201": "Moyobamba",
    "2202": "Bellavista",
    "2203": "El Dorado",
    "2204": "Huallaga",
    "2205": "Lamas",
    "2206": "Mariscal Cáceres",
    "2207": "Picota",
    "2209": "San Martín",
    "2210": "Tocache",
    "2501": "Coronel Portillo",
    "2502": "Atalaya",
    "2503": "Padre Abad",
}

DISTRITOS = [
    DistritoRow("100601", "Rupa-Rupa", "Tingo María", -9.2953, -75.9975, 2.0),
    DistritoRow("100604", "José Crespo y Castillo", "Aucayacu", -8.9317, -76.1117, 3.0),
    DistritoRow("100605", "Luyando", "Naranjillo", -9.2458, -75.9947, 1.5),
    DistritoRow("100606", "Mariano Dámaso Beraún", "Las Palmas", -9.3717, -75.9633, 1.5),
    DistritoRow("100901", "Puerto Inca", "Puerto Inca", -9.3783, -74.9672, 1.0),
    DistritoRow("100904", "Tournavista", "Tournavista", -8.9300, -74.7100, 0.7),
    DistritoRow("220101", "Moyobamba", "Moyobamba", -6.0342, -76.9717, 0.6),
    DistritoRow("220102", "Calzada", "Calzada", -6.0297, -77.0653, 0.5),
    DistritoRow("220201", "Bellavista", "Bellavista", -7.0567, -76.5908, 1.2),
    DistritoRow("220301", "San José de Sisa", "San José de Sisa", -6.6133, -76.6953, 1.0),
    DistritoRow("220401", "Saposoa", "Saposoa", -6.9353, -76.7711, 0.8),
    DistritoRow("220501", "Lamas", "Lamas", -6.4200, -76.5228, 0.8),
    DistritoRow("220502", "Alonso de Alvarado", "Roque", -6.3947, -76.7367, 0.8),
    DistritoRow("220510", "Tabalosos", "Tabalosos", -6.3892, -76.6336, 0.6),
    DistritoRow("220601", "Juanjuí", "Juanjuí", -7.1783, -76.7283, 1.5),
    DistritoRow("220602", "Campanilla", "Campanilla", -7.4850, -76.6492, 1.0),
    DistritoRow("220603", "Huicungo", "Huicungo", -7.3300, -76.7700, 0.5),
    DistritoRow("220701", "Picota", "Picota", -6.9206, -76.3306, 0.8),
    DistritoRow("220904", "Chazuta", "Chazuta", -6.5733, -76.1367, 0.8),
    DistritoRow("221001", "Tocache", "Tocache", -8.1858, -76.5114, 1.5),
    DistritoRow("221005", "Uchiza", "Uchiza", -8.4594, -76.4631, 1.2),
    DistritoRow("250101", "Callería", "Pucallpa", -8.3792, -74.5539, 0.8),
    DistritoRow("250102", "Campoverde", "Campoverde", -8.4744, -74.8061, 1.5),
    DistritoRow("250104", "Masisea", "Masisea", -8.6053, -74.3069, 0.8),
    DistritoRow("250105", "Yarinacocha", "Puerto Callao", -8.3536, -74.5764, 0.6),
    DistritoRow("250106", "Nueva Requena", "Nueva Requena", -8.3097, -74.8617, 1.2),
    DistritoRow("250201", "Raymondi", "Atalaya", -10.7297, -73.7553, 0.5),
    DistritoRow("250301", "Padre Abad", "Aguaytía", -9.0381, -75.5086, 1.5),
    DistritoRow("250302", "Irazola", "San Alejandro", -8.8267, -75.2136, 1.5),
    DistritoRow("250303", "Curimaná", "Curimaná", -8.4361, -75.1519, 1.5),
]

# The programme's figures by region (DOMAIN.md): co-investing farmers and new cacao hectares.
REGION_FARMERS = {"10": 4_353, "22": 7_299, "25": 9_292}
REGION_HECTARES = {"10": 8_572.0, "22": 9_895.0, "25": 10_621.0}

# Field offices in each region, head office in Lima (final report, section I).
OFFICES = [
    ("Oficina Lima (sede)", None, -12.0931, -77.0465),
    ("Oficina regional San Martín", "22", -6.4875, -76.3597),
    ("Oficina regional Huánuco", "10", -9.2953, -75.9975),
    ("Oficina regional Ucayali", "25", -8.3792, -74.5539),
]

COMUNIDAD_NAMES = [
    "San Juan",
    "Santa Rosa",
    "Nuevo Progreso",
    "Nueva Esperanza",
    "Bello Horizonte",
    "Santa Lucía",
    "Villa Rica",
    "Puerto Rico",
    "Los Ángeles",
    "San José",
    "Pueblo Libre",
    "Buenos Aires",
    "Alto Perú",
    "La Libertad",
    "Primavera",
    "El Porvenir",
    "Monte Sinaí",
    "El Triunfo",
    "La Unión",
    "Santa Elena",
    "Túpac Amaru",
    "San Antonio",
    "Nuevo Horizonte",
    "Villa Hermosa",
    "San Pedro",
    "Santa Martha",
    "Alto Sisa",
    "Nuevo Bambamarca",
    "Shimbillo",
    "Huaquisha",
    "Bajo Huallaga",
    "Cerro Azul",
    "Miraflores",
    "Jardines",
    "Agua Dulce",
    "Río Negro",
    "Flor de Café",
    "Palmeras",
]
