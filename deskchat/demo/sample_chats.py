"""WhatsApp conversation scripts of the demo, in Brazilian Portuguese.

A script is a list of turns; ``"c"`` is the customer and ``"a"`` the attendant. Texts and file names hold
placeholders the generator fills per session: {nome} (customer's first name), {atendente}, {loja}, {empresa},
{dominio}, {pedido}, {nf}, {valor}, {limite}, {produto}, {produto2}, {qtd}, {cidade}, {endereco},
{data_entrega}, {data_venc}, {data_vencida}, {caso}, {transportadora}, {cnpj_loja}, {cnpj_cliente},
{foto}, {foto2} and {saudacao} ("Bom dia", "Boa tarde" or "Boa noite", from the time the message is sent).
"""

from __future__ import annotations

from typing import Final

from deskchat.demo.script_types import ChatScript
from deskchat.demo.script_types import chat_attendant as a
from deskchat.demo.script_types import chat_customer as c

SCRIPTS: Final = (
    ChatScript(
        "orcamento",
        "Vendas",
        "Orçamento de {produto} - {empresa}",
        "normal",
        (
            c("{saudacao}! Tudo bem?"),
            c("Vocês trabalham com {produto}? Preciso de {qtd} caixas para a {empresa}"),
            a("{saudacao}, {nome}! Tudo ótimo, e com você? Aqui é a {atendente}, da {loja} 😊"),
            a("Trabalhamos sim, temos em estoque. Vou montar o orçamento e já te mando."),
            c("Perfeito, fico no aguardo"),
            a("Segue o orçamento, com validade de 7 dias.", "document", "orcamento_{pedido}.pdf"),
            a("O total ficou em R$ {valor}, com frete grátis para {cidade}."),
            c("Consegue melhorar um pouco? Se fechar hoje eu pago no Pix"),
            a("Para pagamento no Pix consigo 5% de desconto 👍", reply=1),
            c("Fechado então! Pode mandar a chave"),
            a("A chave Pix é o nosso CNPJ: {cnpj_loja}. Assim que cair, libero o pedido {pedido} para separação."),
            c("Comprovante", "image", "comprovante_pix_{pedido}.jpg"),
            a("Recebido! Obrigada, {nome}. Previsão de entrega: {data_entrega}.", react="🙏"),
        ),
    ),
    ChatScript(
        "boleto",
        "Financeiro",
        "Segunda via de boleto - pedido {pedido}",
        "low",
        (
            c("{saudacao}, {atendente}"),
            c("O boleto do pedido {pedido} venceu ontem, consegue me mandar uma segunda via?"),
            a("{saudacao}, {nome}! Consigo sim, só um minutinho que vou gerar aqui no sistema."),
            a(
                "Segunda via atualizada, com vencimento em {data_venc}.",
                "document",
                "boleto_pedido_{pedido}.pdf",
            ),
            a("Como venceu há só um dia, não cobramos juros nem multa 😉"),
            c("Ótimo, muito obrigado!"),
            c("Dá pra pagar no Pix também?"),
            a(
                "Dá sim! O boleto tem um QR Code Pix no canto direito. Pagando por ele, a baixa é na hora.",
                reply=1,
            ),
            c("Show, acabei de pagar"),
            a("Pagamento confirmado aqui ✅ Obrigada!", react="👍"),
        ),
    ),
    ChatScript(
        "entrega",
        "Suporte",
        "Atraso na entrega - pedido {pedido}",
        "high",
        (
            c("{saudacao}. O pedido {pedido} estava previsto pra ontem e até agora nada"),
            c("Meu estoque de {produto} está acabando"),
            a("{saudacao}, {nome}. Peço desculpas pelo transtorno! Vou verificar com a transportadora agora mesmo."),
            a(
                "Verifiquei: a carga saiu do nosso CD ontem à tarde pela {transportadora} "
                "e houve atraso na rota de {cidade}."
            ),
            a("A nova previsão é hoje até as 17h. Abri o caso #{caso} para acompanhar de perto."),
            c("Tá bom. Mas se não chegar hoje vou precisar cancelar"),
            a(kind="voice"),
            a("Resumindo o áudio: já falei com o supervisor da transportadora e o seu pedido é o primeiro da rota."),
            c("Ok, obrigado"),
            c("Chegou agora, tudo certo"),
            a("Que bom! Obrigada pela paciência, {nome}.", react="❤️"),
        ),
    ),
    ChatScript(
        "troca",
        "Suporte",
        "Troca de mercadoria avariada - NF {nf}",
        "normal",
        (
            c("{saudacao}. Recebi o pedido {pedido}, mas 3 caixas de {produto} vieram amassadas"),
            c("", "image", "foto_produto_{foto}.jpg"),
            c("Olha como chegou", "image", "foto_produto_{foto2}.jpg"),
            a("{saudacao}, {nome}. Sinto muito! Pelas fotos dá pra ver a avaria, sim."),
            a("Posso fazer a troca dos itens ou dar um abatimento no próximo boleto. O que você prefere?"),
            c("Prefiro a troca, preciso do produto essa semana"),
            a("Combinado. O motorista recolhe as caixas avariadas na próxima entrega e já deixa as novas."),
            a("Só preciso que você separe as caixas junto com a nota fiscal {nf}, tudo bem?"),
            c("Tudo bem", reply=1),
            a("Protocolo da troca: caso #{caso}. As caixas novas chegam {data_entrega}."),
            c("Obrigado pela agilidade 👏"),
        ),
    ),
    ChatScript(
        "nota_fiscal",
        "Suporte",
        "",
        "low",
        (
            c("Oi, {atendente}! O financeiro aqui pediu a nota fiscal do pedido {pedido}"),
            c("Não achei no e-mail"),
            a("Oi, {nome}! Segue a NF-e 👇"),
            a("", "document", "nota_fiscal_{nf}.pdf"),
            a("E o XML", "document", "nota_fiscal_{nf}.xml"),
            a("Ela tinha ido para o e-mail antigo do cadastro. Quer que eu atualize para o e-mail do financeiro?"),
            c("Quero sim, pode colocar financeiro@{dominio}", reply=1),
            a("Atualizado ✅ As próximas notas já vão para lá."),
            c(kind="sticker"),
        ),
    ),
    ChatScript(
        "repetir_pedido",
        "Vendas",
        "",
        "normal",
        (
            c("{saudacao}! Quero repetir o pedido do mês passado"),
            c("Mas aumenta para {qtd} caixas de {produto}"),
            a("{saudacao}, {nome}! Claro. Só confirmando: entrega no mesmo endereço, em {cidade}?"),
            c("Isso mesmo"),
            a("De {produto2} só tenho 12 caixas em estoque hoje; o restante chega na quinta."),
            a("Posso mandar as 12 agora e o resto na próxima entrega?"),
            c("Pode sim"),
            a("Pedido {pedido} lançado ✅ Total de R$ {valor}, boleto para 28 dias."),
            a("Entrega prevista para {data_entrega}."),
            c("👍"),
        ),
    ),
    ChatScript(
        "frete",
        "Vendas",
        "",
        "low",
        (
            c("{saudacao}! Qual o valor do frete para {cidade}?"),
            c("É para um pedido de uns R$ 800"),
            a("{saudacao}, {nome}! Para {cidade}, pedidos acima de R$ 500,00 têm frete grátis 🚚"),
            a("Abaixo disso o frete fica em R$ 45,00."),
            c("Ah, que ótimo. E o prazo?"),
            a("Entregamos em até 2 dias úteis depois da confirmação do pagamento."),
            c("Beleza, vou montar a lista e te mando"),
            c("Segue a lista", "image", "lista_pedido_{foto}.jpg"),
            a("Recebi! Vou lançar e te mando o valor certinho.", reply=1),
            a("Pedido {pedido}: R$ {valor}, frete grátis. Posso confirmar?"),
            c("Pode confirmar"),
        ),
    ),
    ChatScript(
        "cobranca",
        "Financeiro",
        "Boleto em atraso - pedido {pedido}",
        "high",
        (
            a("{saudacao}, {nome}. Tudo bem? Aqui é a {atendente}, da {loja}."),
            a("Consta em aberto o boleto do pedido {pedido}, vencido em {data_vencida}, no valor de R$ {valor}."),
            a("Posso te ajudar a regularizar?"),
            c("{saudacao}. Vou verificar com o financeiro e te retorno"),
            c("Consigo parcelar em 2x?"),
            a("Consigo sim: metade hoje e o restante em 15 dias, sem juros. Te mando os boletos?", reply=1),
            c("Pode mandar"),
            a("", "document", "boleto_parcela_1_{pedido}.pdf"),
            a("", "document", "boleto_parcela_2_{pedido}.pdf"),
            c("Obrigada, a primeira eu pago hoje ainda"),
            a("Combinado! Registrei o acordo no caso #{caso}.", react="👍"),
        ),
    ),
    ChatScript(
        "pix",
        "Financeiro",
        "",
        "normal",
        (
            c("Fiz o Pix do pedido {pedido} agora há pouco"),
            c("", "image", "comprovante_pix_{foto}.jpg"),
            a("Oi, {nome}! Vou conferir com o financeiro e já te falo."),
            a("Confirmado ✅ Pedido liberado para separação."),
            c("Obrigado. Sai hoje ainda?"),
            a("Sai no caminhão da tarde, com entrega prevista para amanhã de manhã.", reply=1),
            c("Perfeito", react="👍"),
        ),
    ),
    ChatScript(
        "dispenser",
        "Vendas",
        "",
        "low",
        (
            c("Oi! Vocês têm dispenser de papel toalha?"),
            c("Aquele de parede, pra banheiro"),
            a("Temos sim! Olha ele instalado 👇"),
            a("Dispenser em ABS, fácil de recarregar", "video", "video_dispenser_{foto}.mp4"),
            c("Gostei. Quanto fica?"),
            a("R$ 38,90 a unidade. Acima de 10 unidades sai por R$ 34,90."),
            c("Manda 12 então, junto com o pedido de sempre"),
            a("Anotado! Pedido {pedido} atualizado, entrega {data_entrega}.", react="🙏"),
        ),
    ),
    ChatScript(
        "limite",
        "Financeiro",
        "Aumento de limite de crédito - {empresa}",
        "normal",
        (
            c("Oi, {atendente}. Tentei fechar um pedido maior e disseram que estourou o limite"),
            a("Oi, {nome}! Verifiquei aqui: o limite da {empresa} hoje é de R$ {limite}."),
            a("Posso pedir uma análise para aumento. Preciso do faturamento dos últimos 3 meses."),
            c("", "document", "faturamento_ultimos_3_meses.pdf"),
            c("Segue"),
            a(
                "Recebido! Encaminhei para o financeiro, caso #{caso}. A resposta sai em até 2 dias úteis.",
                reply=2,
            ),
            c("Ok, fico no aguardo"),
            a("{nome}, boa notícia: o limite foi aprovado! Já pode lançar o pedido."),
            c("Que ótimo!! Obrigado 🙌"),
        ),
    ),
)

#: Scripts of people not in the CRM yet: they open with several messages before anyone answers.
LEAD_SCRIPTS: Final = (
    ChatScript(
        "lead_mei",
        "Vendas",
        "",
        "normal",
        (
            c("Oi"),
            c("{saudacao}"),
            c("Peguei o contato de vocês com um fornecedor"),
            c("Vocês vendem para MEI? Tenho uma lanchonete e queria comprar {produto} e descartáveis"),
            c(kind="voice"),
            a("{saudacao}! Vendemos sim 😊 Aqui é a {atendente}, da {loja}."),
            a("Para o cadastro preciso do CNPJ, do endereço de entrega e de um e-mail para a nota fiscal."),
            c("CNPJ {cnpj_cliente}"),
            c("{endereco}, {cidade}"),
            a("Obrigada! Cadastro em análise. O pedido mínimo na primeira compra é de R$ 300,00."),
            c("E como pago?"),
            a("Na primeira compra, Pix ou cartão. Com o cadastro aprovado liberamos boleto para 28 dias."),
        ),
    ),
    ChatScript(
        "lead_preco",
        "Vendas",
        "",
        "normal",
        (
            c("Olá! {saudacao}!"),
            c("Gostaria de saber o preço de {produto}"),
            c("E de {produto2} também"),
            c("Vocês entregam em {cidade}?"),
            c("É esse aqui", "image", "foto_produto_{foto}.jpg"),
            a("{saudacao}! Entregamos sim em {cidade} 🚚"),
            a("Segue nossa tabela", "document", "tabela_precos_atualizada.pdf"),
            a("Na página 3 tem {produto}. Para mais de 10 caixas eu consigo um desconto.", reply=6),
            c("Vou olhar e te retorno"),
        ),
    ),
    ChatScript(
        "lead_restaurante",
        "Vendas",
        "",
        "normal",
        (
            c("{saudacao}, vocês atendem restaurante?"),
            c("Abri um restaurante agora em {cidade}"),
            c("Preciso de marmitex, copo, guardanapo, produto de limpeza... tudo"),
            c("Tem catálogo?"),
            c("?"),
            a("{saudacao}! Parabéns pelo restaurante 🎉 Atendemos sim."),
            a("Nosso catálogo completo", "document", "catalogo_distribuidora_exemplo.pdf"),
            a("Se quiser, me passa a lista que eu monto um orçamento com preço de primeira compra."),
            c("Vou fazer a lista hoje à noite e te mando amanhã", reply=1),
            a("Combinado! Fico no aguardo 😊"),
        ),
    ),
)

#: What a returning customer writes today before anyone answers (pending conversations with history).
NEW_REQUESTS: Final = (
    (
        c("{saudacao}, {atendente}!"),
        c("Preciso de mais {qtd} caixas de {produto} pra essa semana"),
        c("Consegue entregar até sexta?"),
    ),
    (c("Oi! {saudacao}"), c("O boleto do pedido {pedido} não chegou no e-mail")),
    (c("Oi"), c(kind="voice"), c("Me liga quando puder, por favor")),
    (
        c("{saudacao}!"),
        c("Esse produto vocês têm?", "image", "foto_produto_{foto}.jpg"),
        c("Preciso de uns 30"),
    ),
    (
        c("{atendente}, a entrega de hoje veio sem a nota fiscal"),
        c("O motorista disse que ia mandar por aqui"),
    ),
)

#: How a finished talk ends (closed conversations).
CLOSINGS: Final = (
    (
        c("Obrigado pela ajuda!"),
        a("Por nada, {nome}! Qualquer coisa estamos à disposição. Tenha um ótimo dia!"),
    ),
    (
        c("Valeu, {atendente}!"),
        a("Eu que agradeço! Vou encerrar este atendimento, mas pode chamar quando precisar."),
    ),
    (
        a("{nome}, posso ajudar em mais alguma coisa?"),
        c("Não, só isso mesmo. Obrigada!"),
        a("Obrigada você! Tenha uma ótima semana."),
        c(kind="sticker"),
    ),
)

#: Labels drawn on sticker thumbnails.
STICKER_LABELS: Final = ("Valeu!", "Obrigado!", "Top!", "Bom dia!", "Show!")
