"""Portuguese corpora of the demo: people, companies, products, places, and fragments for bulk messages.

The WhatsApp conversation scripts live in :mod:`deskchat.demo.sample_chats` and the e-mail threads in
:mod:`deskchat.demo.sample_mail`. Everything here is fictional; the distributor is "Distribuidora Exemplo".
"""

from __future__ import annotations

from typing import Final, NamedTuple

#: The business the demo attendant works for.
SHOP_NAME: Final = "Distribuidora Exemplo"
SHOP_DOMAIN: Final = "distribuidora-exemplo.com.br"
SHOP_PHONE: Final = "(11) 3456-7800"
SHOP_WHATSAPP: Final = "+5511981230000"  # E.164 of the WhatsApp account
SHOP_CNPJ_BASE: Final = "34567812"  # check digits are computed

WHATSAPP_ACCOUNT_NAME: Final = "Comercial"
EMAIL_ACCOUNT_NAME: Final = "Atendimento"
EMAIL_ACCOUNT_ADDRESS: Final = f"atendimento@{SHOP_DOMAIN}"

#: The attendants; the first one is the person using the demo.
ATTENDANTS: Final = ("Camila Rocha", "Rafael Mendes", "Juliana Prado", "Thiago Nogueira")

#: Full names of customers (first name, surnames), each used at most once in the demo.
PEOPLE: Final = (
    "João Pedro Albuquerque",
    "Márcia Regina Souza",
    "Antônio Carlos Ferreira",
    "Letícia Gonçalves",
    "Sebastião Ribeiro",
    "Conceição Aparecida Lima",
    "Fábio Magalhães",
    "Mônica Brandão",
    "Cláudio Araújo",
    "Débora Cristina Melo",
    "Luís Otávio Guimarães",
    "Thaís Barbosa",
    "Vitória Peixoto",
    "Sérgio Damasceno",
    "Ângela Maria Rocha",
    "Raíssa Falcão",
    "André Luiz Nascimento",
    "Bárbara Cecília Assunção",
    "Rogério Sá",
    "Valéria Conceição Dias",
    "Júlia Martins",
    "Caetano Vasconcelos",
    "Flávia Cordeiro",
    "Cássio Tavares",
    "Inês Carvalho",
    "Gonçalo Teixeira",
    "Érica Moreira",
    "Benedito Lopes",
    "Lúcia Helena Campos",
    "Marcos Vinícius Pinheiro",
    "Simone Antunes",
    "José Aparecido Moura",
    "Patrícia Gusmão",
    "Otávio Queiroz",
    "Renata Figueiredo",
    "Wellington Batista",
    "Jéssica Mariano",
    "Francisco das Chagas Sousa",
    "Heloísa Bittencourt",
    "Raimundo Nonato Costa",
    "Daniela Sampaio",
    "Edmílson Pereira",
    "Priscila Fontes",
    "Gilberto Amaral",
    "Tânia Regina Castro",
    "Luana Sátiro",
    "Márcio Rezende",
    "Aline Cavalcanti",
    "Ivone Medeiros",
    "Rodrigo Esteves",
    "Elaine Valadares",
    "Jorge Henrique Paiva",
    "Sônia Lemos",
    "Leonardo Fagundes",
    "Cristiane Ayres",
    "Vânia Ribas",
)

#: WhatsApp push names of people who are not in the CRM yet (an empty one shows the number).
UNKNOWN_PUSH_NAMES: Final = (
    "Rafa",
    "Dona Cida",
    "Gabi ☀️",
    "Marquinhos",
    "Lú Doces",
    "Zé da Lanchonete",
    "",
    "Nanda",
)


class Company(NamedTuple):
    name: str
    company_type: str  # MEI | ME | EPP | LTDA | S.A.
    domain: str
    segment: str


COMPANIES: Final = (
    Company("Padaria Pão de Ouro Ltda", "LTDA", "padariapaodeouro.com.br", "padaria"),
    Company("Mercadinho Bom Preço", "ME", "mercadinhobompreco.com.br", "mercado"),
    Company("Restaurante Sabor Mineiro", "EPP", "sabormineiro.com.br", "restaurante"),
    Company("Farmácia São Judas Tadeu", "EPP", "farmaciasaojudas.com.br", "farmácia"),
    Company("Hotel Praia Azul S.A.", "S.A.", "hotelpraiaazul.com.br", "hotel"),
    Company("Clínica Odontológica Sorriso", "ME", "clinicasorriso.com.br", "clínica"),
    Company("Escola Pequeno Príncipe", "LTDA", "escolapequenoprincipe.com.br", "escola"),
    Company("Supermercado Irmãos Almeida", "LTDA", "irmaosalmeida.com.br", "mercado"),
    Company("Condomínio Residencial Ipê Amarelo", "LTDA", "ipeamarelo.com.br", "condomínio"),
    Company("Lanchonete do Zé", "MEI", "lanchonetedoze.com.br", "lanchonete"),
    Company("Auto Posto Estrela Guia", "LTDA", "postoestrelaguia.com.br", "posto"),
    Company("Academia Corpo em Forma", "ME", "corpoemforma.com.br", "academia"),
    Company("Buffet Doce Festa", "ME", "docefesta.com.br", "buffet"),
    Company("Pet Shop Amigo Fiel", "MEI", "amigofielpet.com.br", "pet shop"),
    Company("Salão Beleza Pura", "MEI", "belezapura.com.br", "salão"),
    Company("Construtora Alicerce Forte", "LTDA", "alicerceforte.com.br", "construtora"),
    Company("Hospital Santa Lúcia S.A.", "S.A.", "hospitalsantalucia.com.br", "hospital"),
    Company("Pousada Recanto das Águas", "ME", "recantodasaguas.com.br", "pousada"),
    Company("Açougue e Mercearia São Jorge", "ME", "merceariasaojorge.com.br", "mercado"),
    Company("Cantina Nonna Giulia", "EPP", "nonnagiulia.com.br", "restaurante"),
    Company("Colégio Monteiro Lobato", "LTDA", "colegiomonteirolobato.com.br", "escola"),
    Company("Lavanderia Bolha de Sabão", "MEI", "bolhadesabao.com.br", "lavanderia"),
    Company("Drogaria Vida & Saúde", "EPP", "drogariavidaesaude.com.br", "farmácia"),
    Company("Sorveteria Gelato Bom", "ME", "gelatobom.com.br", "sorveteria"),
    Company("Clube Atlético Vila Nova", "LTDA", "atleticovilanova.com.br", "clube"),
    Company("Hortifruti Quitanda da Praça", "ME", "quitandadapraca.com.br", "hortifruti"),
    Company("Laboratório Análises Exatas", "EPP", "analisesexatas.com.br", "laboratório"),
    Company("Churrascaria Fogo de Chão Gaúcho", "LTDA", "fogogaucho.com.br", "restaurante"),
    Company("Papelaria Ponto Escolar", "ME", "pontoescolar.com.br", "papelaria"),
    Company("Transportes Rota Sul S.A.", "S.A.", "rotasul.com.br", "transportadora"),
    Company("Cafeteria Grão Nobre", "MEI", "graonobre.com.br", "cafeteria"),
    Company("Oficina Mecânica Dois Irmãos", "ME", "oficinadoisirmaos.com.br", "oficina"),
    Company("Casa de Repouso Bem Viver", "EPP", "bemviver.com.br", "casa de repouso"),
    Company("Empório Santa Rita", "ME", "emporiosantarita.com.br", "empório"),
    Company("Panificadora Trigo Dourado", "EPP", "trigodourado.com.br", "padaria"),
    Company("Creche Cantinho Feliz", "ME", "cantinhofeliz.com.br", "creche"),
    Company("Boteco do Léo", "MEI", "botecodoleo.com.br", "bar"),
    Company("Escritório Contábil Exatidão", "ME", "contabilexatidao.com.br", "escritório"),
    Company("Hamburgueria Brasa Viva", "ME", "brasaviva.com.br", "lanchonete"),
    Company("Marmoraria Pedra Bonita", "EPP", "pedrabonita.com.br", "marmoraria"),
)

#: Free-mail domains of customers who write from a personal address.
PERSONAL_MAIL_DOMAINS: Final = (
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "yahoo.com.br",
    "uol.com.br",
    "bol.com.br",
)

#: Roles printed in customers' e-mail signatures.
BUYER_ROLES: Final = (
    "Compras",
    "Suprimentos",
    "Gerente",
    "Sócio-proprietário",
    "Administrativo",
    "Financeiro",
)


class City(NamedTuple):
    ddd: str
    name: str
    state: str


#: Cities the distributor delivers to, with their area codes (DDD); the first ones are the most common.
CITIES: Final = (
    City("11", "São Paulo", "SP"),
    City("11", "Guarulhos", "SP"),
    City("11", "Osasco", "SP"),
    City("11", "São Bernardo do Campo", "SP"),
    City("19", "Campinas", "SP"),
    City("19", "Piracicaba", "SP"),
    City("13", "Santos", "SP"),
    City("15", "Sorocaba", "SP"),
    City("12", "São José dos Campos", "SP"),
    City("16", "Ribeirão Preto", "SP"),
    City("14", "Bauru", "SP"),
    City("17", "São José do Rio Preto", "SP"),
    City("18", "Presidente Prudente", "SP"),
    City("21", "Rio de Janeiro", "RJ"),
    City("24", "Petrópolis", "RJ"),
    City("31", "Belo Horizonte", "MG"),
    City("34", "Uberlândia", "MG"),
    City("35", "Poços de Caldas", "MG"),
    City("41", "Curitiba", "PR"),
    City("43", "Londrina", "PR"),
    City("47", "Joinville", "SC"),
    City("48", "Florianópolis", "SC"),
    City("51", "Porto Alegre", "RS"),
    City("61", "Brasília", "DF"),
    City("62", "Goiânia", "GO"),
    City("27", "Vitória", "ES"),
    City("71", "Salvador", "BA"),
    City("81", "Recife", "PE"),
    City("85", "Fortaleza", "CE"),
    City("67", "Campo Grande", "MS"),
)

#: Valid Brazilian area codes, for bulk phone numbers.
_DDD_TEXT: Final = (
    "11 12 13 14 15 16 17 18 19 21 22 24 27 28 31 32 33 34 35 37 38 41 42 43 44 45 46 47 48 49 51 53 54 55 "
    "61 62 63 64 65 66 67 68 69 71 73 74 75 77 79 81 82 83 84 85 86 87 88 89 91 92 93 94 95 96 97 98 99"
)
ALL_DDDS: Final = tuple(_DDD_TEXT.split())

#: What the distributor sells (cleaning, disposables, food service and office supplies).
PRODUCTS: Final = (
    "detergente neutro 5L",
    "papel toalha interfolha",
    "copo descartável 200ml",
    "saco de lixo 100L",
    "álcool 70% 1L",
    "luva nitrílica tamanho M",
    "papel higiênico rolão 300m",
    "sabonete líquido 5L",
    "desinfetante lavanda 2L",
    "guardanapo de papel 30x30",
    "marmitex de alumínio nº 8",
    "resma de papel A4",
    "filme PVC 28cm",
    "água sanitária 5L",
    "esponja dupla face",
    "touca descartável",
    "pano multiuso em rolo",
    "limpador multiuso 500ml",
    "café torrado 500g",
    "açúcar refinado 1kg",
    "copo de papel para café 80ml",
    "bobina plástica picotada",
    "dispenser de papel toalha",
    "vassoura de pelo",
)

#: Carriers that deliver for the distributor.
CARRIERS: Final = ("Rodonaves", "Jadlog", "Braspress", "TNT Mercúrio", "frota própria")

#: Street addresses used in sign-up messages.
STREETS: Final = (
    "Rua das Palmeiras, 120 - Centro",
    "Av. Brasil, 2.450 - Jardim América",
    "Rua Sete de Setembro, 88 - Vila Nova",
    "Rua Dom Pedro II, 1.031 - São José",
    "Travessa das Acácias, 15 - Boa Vista",
    "Av. Getúlio Vargas, 740 - Santa Cruz",
)

#: Reactions the demo puts on a few messages.
REACTIONS: Final = ("👍", "❤️", "🙏", "😂", "👏", "✅")

#: Weekday names, Monday first (as datetime.weekday() counts).
WEEKDAYS: Final = ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo")

#: Greetings by part of the day: before noon, before 18:00, evening.
GREETINGS: Final = ("Bom dia", "Boa tarde", "Boa noite")


class PastCase(NamedTuple):
    title: str  # placeholders {pedido}, {cidade} and {produto}
    queue: str
    priority: str


#: Older CRM cases of some clients, not linked to any conversation of the demo.
PAST_CASES: Final = (
    PastCase("Entrega parcial - pedido {pedido}", "Suporte", "normal"),
    PastCase("Cobrança indevida de frete", "Financeiro", "low"),
    PastCase("Cadastro de filial em {cidade}", "Vendas", "low"),
    PastCase("Visita do representante comercial", "Vendas", "normal"),
    PastCase("Produto em falta - {produto}", "Suporte", "high"),
    PastCase("Pix em duplicidade - reembolso", "Financeiro", "urgent"),
    PastCase("Troca de embalagem violada", "Suporte", "normal"),
)


class LogLine(NamedTuple):
    channel: str  # "whatsapp", "email" or "" for the CRM / the app
    minutes: int  # after the start of the working day (negative: before it)
    level: str  # info | warning | error
    event: str
    detail: str  # placeholders {numero}, {conta}, {dominio}, {mensagens}, {conversas}, {clientes}, {casos}, {semente}


#: The integration log of the demo day, oldest first; lines later than "now" are left out.
LOG_LINES: Final = (
    LogLine("whatsapp", -9, "info", "QR Code exibido", "Escaneie o código com o WhatsApp do celular da conta {conta}"),
    LogLine("whatsapp", -8, "info", "Conectado", "Sessão ativa no número {numero}"),
    LogLine("whatsapp", -7, "info", "Histórico sincronizado", "{mensagens} mensagens em {conversas} conversas"),
    LogLine("email", -6, "info", "Conectado", "IMAP imap.{dominio}:993 (TLS), pasta INBOX"),
    LogLine("", -5, "info", "CRM sincronizado", "{clientes} clientes e {casos} casos atualizados"),
    LogLine("", -4, "info", "Modo demonstração", "Dados fictícios gerados pelo DeskChat (semente {semente})"),
    LogLine(
        "email",
        95,
        "error",
        "Falha ao enviar",
        "SMTP 451 4.7.0 Temporary server error. Please try again later — nova tentativa em 60 s",
    ),
    LogLine("email", 97, "info", "Mensagem enviada", "Envio concluído após 1 nova tentativa"),
    LogLine("whatsapp", 160, "warning", "Conexão instável", "Sem resposta do servidor há 20 s; reconectando"),
    LogLine("whatsapp", 161, "info", "Reconectado", "Sessão restabelecida"),
    LogLine(
        "email",
        230,
        "error",
        "Falha na sincronização",
        "IMAP: tempo esgotado após 30 s (imap.{dominio}); nova tentativa em 2 min",
    ),
    LogLine("email", 232, "info", "Conectado", "IMAP imap.{dominio}:993 (TLS), pasta INBOX"),
)
