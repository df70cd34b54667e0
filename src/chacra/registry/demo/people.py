"""Common Peruvian Amazon names for synthetic producers. None of them is a real person's record."""

SURNAMES = [
    "García", "Rodríguez", "Flores", "Sánchez", "Ramírez", "Torres", "Díaz", "Vásquez", "Ruiz",
    "Pérez", "Rojas", "Chávez", "Mendoza", "Tuanama", "Sangama", "Panduro", "Tapullima",
    "Amasifuén", "Pinedo", "Ríos", "Del Águila", "Shupingahua", "Satalaya", "Cachique", "Salas",
    "Ramos", "Huamán", "Quispe", "Silva", "Reátegui", "Fasabi", "Paredes", "Guerra", "Vela",
    "Saavedra", "Ushiñahua", "Tello", "Cárdenas", "Zumaeta", "López", "Gonzales", "Hidalgo",
    "Bardales", "Pezo", "Arévalo", "Tuesta", "Navarro", "Carbajal", "Córdova", "Mozombite",
]
FEMALE_NAMES = [
    "María", "Rosa", "Juana", "Carmen", "Luz", "Elena", "Marleni", "Gladys", "Nelly", "Yolanda",
    "Rocío", "Teresa", "Norma", "Delia", "Ana", "Sonia", "Flor", "Zoila", "Lidia", "Isabel",
]
MALE_NAMES = [
    "José", "Juan", "Luis", "Carlos", "Jorge", "Segundo", "Pedro", "Manuel", "Víctor", "Wilder",
    "Elmer", "Jaime", "Julio", "Hugo", "Roger", "César", "Miguel", "Marcos", "Alberto", "Édgar",
    "Nilo", "Teodoro", "Walter", "Alfredo", "Santos", "Lino",
]
