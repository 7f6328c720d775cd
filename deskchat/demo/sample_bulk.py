"""Portuguese fragments of bulk benchmark messages (see :mod:`deskchat.demo.bulk_text`).

Bulk texts are "<opener><core><closer>"; the placeholders {n} (order number), {p} (product), {q} (quantity),
{c} (city), {v} (amount), {u} (unit price) and {d} (a date) are filled once per text of the pool.
"""

from __future__ import annotations

from typing import Final

BULK_OPENERS_IN: Final = (
    "",
    "",
    "Bom dia! ",
    "Boa tarde! ",
    "Oi, ",
    "Olá, ",
    "Oi, tudo bem? ",
    "Bom dia, tudo certo? ",
)
BULK_OPENERS_OUT: Final = (
    "",
    "",
    "Bom dia! ",
    "Boa tarde! ",
    "Oi! ",
    "Perfeito. ",
    "Claro! ",
    "Só um instante. ",
)
BULK_CLOSERS_IN: Final = ("", "", "", " Obrigado!", " Obrigada!", " Aguardo retorno.", " Valeu!", " 🙏")
BULK_CLOSERS_OUT: Final = ("", "", "", " Qualquer dúvida estou à disposição.", " 😊", " Obrigada!", " 👍")

BULK_CORES_IN: Final = (
    "o pedido {n} já saiu para entrega?",
    "preciso da segunda via do boleto do pedido {n}",
    "qual o prazo de entrega para {c}?",
    "vocês têm {p} em estoque?",
    "a nota fiscal do pedido {n} ainda não chegou no e-mail",
    "quero um orçamento de {q} caixas de {p}",
    "paguei o boleto do pedido {n} ontem, consegue confirmar?",
    "o frete para {c} é grátis acima de quanto?",
    "chegou tudo certo com o pedido {n}, obrigado",
    "veio faltando {q} unidades de {p} na entrega do pedido {n}",
    "posso pagar o pedido {n} no Pix?",
    "preciso trocar {q} caixas de {p} que vieram avariadas",
    "consegue antecipar a entrega do pedido {n} para amanhã?",
    "qual o valor de {p} para compra acima de {q} caixas?",
    "o boleto venceu dia {d}, tem como atualizar?",
    "quero repetir o último pedido e acrescentar {q} fardos de {p}",
    "a entrega pode ser feita depois das 14h?",
    "o motorista chegou mas não tinha ninguém para receber, dá pra reagendar a entrega?",
    "tem previsão de chegada de {p}?",
    "o valor do pedido {n} ficou diferente do orçamento, pode verificar?",
    "manda o orçamento atualizado por favor",
    "precisamos de nota fiscal com o CNPJ da filial de {c}",
)
BULK_CORES_OUT: Final = (
    "o pedido {n} saiu para entrega hoje cedo",
    "segue a segunda via do boleto do pedido {n}, com vencimento em {d}",
    "o prazo de entrega para {c} é de 2 dias úteis",
    "temos {p} em estoque sim",
    "a nota fiscal do pedido {n} foi reenviada agora para o seu e-mail",
    "o orçamento de {q} caixas de {p} ficou em R$ {v}",
    "pagamento do pedido {n} confirmado, já está em separação",
    "para {c} o frete é grátis em pedidos acima de R$ 500,00",
    "pedido {n} lançado, total de R$ {v}",
    "vou abrir a troca e o motorista recolhe na próxima entrega",
    "pode pagar no Pix sim, a chave é o nosso CNPJ",
    "consegui encaixar a entrega do pedido {n} para amanhã de manhã",
    "para compras acima de {q} caixas, {p} sai por R$ {u} a caixa",
    "o boleto atualizado já está no seu e-mail",
    "reagendei a entrega para {d}, no período da tarde",
    "a reposição de {p} chega no nosso estoque na quinta-feira",
    "verifiquei o pedido {n}: foi aplicado o frete, vou corrigir e te mando a nota nova",
    "a transportadora confirmou a entrega do pedido {n} para {d}",
    "vou verificar com o financeiro e já te retorno",
    "anotado! Vou separar {q} caixas de {p} para você",
)

#: Subjects of bulk e-mail threads ({n}: order number).
BULK_SUBJECTS: Final = (
    "Pedido {n}",
    "Orçamento de material de limpeza",
    "Segunda via de boleto - pedido {n}",
    "Nota fiscal do pedido {n}",
    "Entrega do pedido {n}",
    "Troca de mercadoria avariada",
    "Cadastro de cliente",
    "Tabela de preços",
)

#: Greetings and sign-offs of bulk e-mails.
BULK_MAIL_GREETINGS_IN: Final = ("Bom dia,", "Boa tarde,", "Olá,", "Prezados,", "Olá, Camila,")
BULK_MAIL_GREETINGS_OUT: Final = ("Bom dia,", "Boa tarde,", "Olá,", "Prezado cliente,")
BULK_MAIL_SIGN_OFFS_IN: Final = (
    "Atenciosamente,\nDepartamento de Compras",
    "Obrigado,\nFinanceiro",
    "Abraços,\nGerência",
)
BULK_MAIL_CLOSING_OUT: Final = "Qualquer dúvida, estou à disposição."
BULK_MAIL_SIGNATURE_OUT: Final = "Atenciosamente,\nCamila Rocha\nAtendimento Comercial | Distribuidora Exemplo"
