"""E-mail threads of the demo, in Brazilian Portuguese.

Bodies hold the placeholders of :mod:`deskchat.demo.sample_chats` plus {qtd_menos}, {email_financeiro} and
{whatsapp_loja}; the generator appends the sender's signature. A tagged thread gets "[Caso #N]" in the subject
from the attendant's first reply on; every reply gets "RE: ".

Bodies are written as indented blocks: blank lines separate paragraphs, the lines of a paragraph are joined
with spaces, and list items ("- ", "1. ") keep their own lines.
"""

from __future__ import annotations

import re
import textwrap
from typing import Final, NamedTuple

_LIST_ITEM = re.compile(r"(?:-|[0-9]+\.) ")


class MailTurn(NamedTuple):
    who: str  # "c": customer | "a": attendant
    body: str
    attachments: tuple[str, ...] = ()


class MailThread(NamedTuple):
    topic: str
    queue: str
    subject: str
    case_title: str  # "" when the thread opens no case
    priority: str
    tagged: bool  # the subject carries "[Caso #N]" after the first reply
    pending_cut: int  # how many e-mails to keep when the thread is waiting for the attendant; 0: unsuitable
    turns: tuple[MailTurn, ...]


def paragraphs(block: str) -> str:
    """The body text of an indented block (see the module docstring)."""
    result: list[str] = []
    for paragraph in re.split(r"\n\s*\n", textwrap.dedent(block).strip()):
        lines: list[str] = []
        for line in paragraph.splitlines():
            line = line.strip()
            if lines and not _LIST_ITEM.match(line) and not lines[-1].endswith(":"):
                lines[-1] += " " + line
            else:
                lines.append(line)
        result.append("\n".join(lines))
    return "\n\n".join(result)


def c(block: str, *attachments: str) -> MailTurn:
    return MailTurn("c", paragraphs(block), attachments)


def a(block: str, *attachments: str) -> MailTurn:
    return MailTurn("a", paragraphs(block), attachments)


THREADS: Final = (
    MailThread(
        "orcamento",
        "Vendas",
        "Solicitação de orçamento - material de limpeza",
        "Orçamento de material de limpeza - {empresa}",
        "normal",
        True,
        5,
        (
            c("""
                {saudacao},

                Gostaria de receber um orçamento dos itens abaixo, com entrega em {cidade}:

                - {qtd} cx de {produto}
                - 20 fardos de papel toalha interfolha
                - 15 galões de detergente neutro 5L

                Se possível, com pagamento em boleto para 28 dias.
            """),
            a(
                """
                {saudacao}, {nome},

                Obrigada pelo contato! Segue em anexo o orçamento solicitado, com validade de 7 dias.

                O frete para {cidade} é grátis em pedidos acima de R$ 500,00 e o prazo de entrega é de até
                2 dias úteis após a aprovação.

                Fico à disposição para qualquer dúvida.
                """,
                "orcamento_{pedido}.pdf",
            ),
            c("""
                Olá, {atendente},

                Obrigado pelo retorno. Conseguem fazer o papel toalha por R$ 89,90 o fardo?
                Com esse valor fechamos ainda hoje.
            """),
            a(
                """
                Olá, {nome},

                Consegui aprovar com a gerência o valor de R$ 92,50 o fardo, mantendo o boleto para 28 dias.
                Segue a revisão do orçamento.

                É o melhor preço que consigo para esse volume.
                """,
                "orcamento_rev2.xlsx",
            ),
            c("""
                {atendente}, pode seguir com o pedido nessas condições.

                Por favor, enviem a nota fiscal para {email_financeiro}.
            """),
            a("""
                {nome},

                Pedido {pedido} confirmado! O total ficou em R$ {valor} e a entrega está prevista para
                {data_entrega}.

                A nota fiscal e o boleto seguem para {email_financeiro} assim que o pedido for faturado.

                Obrigada pela preferência!
            """),
            c("Perfeito, obrigado!"),
        ),
    ),
    MailThread(
        "divergencia_nf",
        "Suporte",
        "Divergência na nota fiscal {nf}",
        "Divergência na NF {nf}",
        "high",
        True,
        0,
        (
            c("""
                {saudacao},

                Recebemos hoje a mercadoria do pedido {pedido}, mas a nota fiscal {nf} veio com {qtd} caixas
                de {produto} e recebemos apenas {qtd_menos}.

                Poderiam verificar? Nosso financeiro só libera o pagamento com a nota correta.
            """),
            a("""
                {saudacao}, {nome},

                Obrigada por avisar. Abri o caso #{caso} e já pedi para a expedição conferir a separação do
                pedido {pedido}.

                Retorno ainda hoje com a posição.
            """),
            a("""
                {nome},

                A expedição confirmou a falta de 2 caixas no carregamento. Temos duas opções:

                1. Enviamos as 2 caixas na próxima rota, {data_entrega};
                2. Emitimos uma nota de devolução parcial e ajustamos o boleto.

                Qual vocês preferem?
            """),
            c(
                """
                Olá, {atendente},

                Preferimos que enviem as caixas na próxima rota. Segue em anexo a foto do canhoto assinado,
                com a observação da falta.
                """,
                "canhoto_nf_{nf}.jpg",
            ),
            a(
                """
                Combinado, {nome}. As 2 caixas seguem {data_entrega}, sem custo de frete.

                Segue também a carta de correção da nota.
                """,
                "carta_correcao_nf_{nf}.pdf",
            ),
            c("Recebido. Obrigado pela agilidade!"),
            a("""
                Nós que agradecemos! Vou encerrar o caso #{caso} após a entrega. Qualquer coisa, é só
                responder este e-mail.
            """),
        ),
    ),
    MailThread(
        "boleto",
        "Financeiro",
        "Boleto do pedido {pedido}",
        "Boleto não recebido - pedido {pedido}",
        "low",
        False,
        0,
        (
            c("""
                {saudacao},

                Não recebemos o boleto referente ao pedido {pedido}. A nota fiscal chegou, mas o boleto não
                veio anexo.

                Podem reenviar?
            """),
            a(
                """
                {saudacao}, {nome},

                Segue em anexo o boleto do pedido {pedido}, no valor de R$ {valor}, com vencimento em
                {data_venc}.

                O e-mail de cobrança do cadastro estava incompleto; já corrigi para {email_financeiro}.
                """,
                "boleto_pedido_{pedido}.pdf",
            ),
            c("""
                Obrigada, {atendente}.

                Aproveitando: conseguimos prorrogar o vencimento para o dia 10? Nosso fluxo de pagamentos é
                concentrado nessa data.
            """),
            a(
                """
                {nome},

                Consegui a prorrogação sem juros, em caráter excepcional. Segue o boleto com o novo
                vencimento.

                Para os próximos pedidos, posso deixar o vencimento fixo no dia 10. Quer que eu faça essa
                alteração no cadastro?
                """,
                "boleto_pedido_{pedido}_venc10.pdf",
            ),
            c("Pode alterar, sim. Muito obrigada!"),
            a("Alterado! A partir do próximo pedido, todos os boletos vencerão no dia 10."),
        ),
    ),
    MailThread(
        "devolucao",
        "Suporte",
        "Devolução de mercadoria - pedido {pedido}",
        "Devolução por validade curta - pedido {pedido}",
        "normal",
        True,
        0,
        (
            c("""
                {saudacao},

                Precisamos devolver {qtd} caixas de {produto} do pedido {pedido}: o produto veio com validade
                muito curta (vence no fim do mês) e não conseguiremos usar tudo.

                Como devemos proceder?
            """),
            a("""
                {saudacao}, {nome},

                Sinto muito pelo ocorrido. Registrei a devolução no caso #{caso}.

                Para darmos andamento, preciso que vocês emitam uma nota fiscal de devolução referenciando a
                NF {nf}. Nossos dados estão no rodapé da nota original.
            """),
            c(
                """
                Olá, {atendente},

                Segue a nota de devolução emitida pela nossa contabilidade.
                """,
                "nf_devolucao_{nf}.pdf",
            ),
            a("""
                {nome},

                Recebida, obrigada. A coleta foi agendada com a {transportadora} para {data_entrega}, no
                período da manhã.

                Assim que a mercadoria chegar ao nosso CD, geramos um crédito ou enviamos produtos com
                validade longa, como preferirem.
            """),
            c("Preferimos a reposição com validade longa, por favor."),
            a("""
                Perfeito. A reposição sai junto com a coleta, então o motorista já deixa as caixas novas.

                Se precisar de algo mais, é só responder este e-mail.
            """),
            c("Ótimo, obrigado pela atenção."),
        ),
    ),
    MailThread(
        "cadastro",
        "Vendas",
        "Cadastro para compras - {empresa}",
        "Cadastro de novo cliente - {empresa}",
        "normal",
        False,
        0,
        (
            c("""
                {saudacao},

                Somos a {empresa}, de {cidade}, e gostaríamos de comprar com vocês. Qual a documentação
                necessária para o cadastro?
            """),
            a("""
                {saudacao}, {nome},

                Que bom ter vocês conosco! Para o cadastro, precisamos de:

                - cartão CNPJ;
                - contrato social ou requerimento de empresário;
                - comprovante de endereço de entrega;
                - e-mail para envio das notas fiscais.

                Com o cadastro aprovado, liberamos boleto para 28 dias.
            """),
            c(
                """
                Segue a documentação.

                O e-mail para as notas é {email_financeiro}.
                """,
                "cartao_cnpj.pdf",
                "contrato_social.pdf",
            ),
            a(
                """
                {nome},

                Documentação recebida. O cadastro foi enviado para análise de crédito e o retorno sai em até
                2 dias úteis.

                Enquanto isso, segue nossa tabela de preços atualizada.
                """,
                "tabela_precos_atualizada.xlsx",
            ),
            a("""
                {saudacao}, {nome},

                Cadastro aprovado! O limite inicial ficou em R$ {limite}, com boleto para 28 dias.

                Já podem fazer o primeiro pedido por aqui ou pelo nosso WhatsApp {whatsapp_loja}.
            """),
            c("Excelente, obrigado! Vou preparar o primeiro pedido ainda esta semana."),
        ),
    ),
    MailThread(
        "atraso",
        "Suporte",
        "Pedido {pedido} não entregue",
        "Atraso na entrega - pedido {pedido}",
        "urgent",
        True,
        5,
        (
            c("""
                {saudacao},

                O pedido {pedido} tinha entrega prevista para ontem e ainda não chegou. O rastreio da
                {transportadora} não atualiza desde anteontem.

                Preciso de uma posição urgente, pois estamos sem {produto}.
            """),
            a("""
                {saudacao}, {nome},

                Peço desculpas pelo atraso. Abri o caso #{caso} com prioridade alta e já acionei a
                {transportadora}.

                Retorno assim que tiver a posição.
            """),
            a("""
                {nome},

                A transportadora informou que a carga ficou retida no centro de distribuição de {cidade} por
                falta de veículo. A entrega foi reprogramada para hoje, até as 18h.

                Como compensação, não cobraremos o frete deste pedido.
            """),
            c("Obrigado pelo retorno, {atendente}. Vou aguardar."),
            c(
                """
                {saudacao},

                A entrega chegou, mas faltou uma caixa de {produto}. O motorista disse que já veio assim do
                CD. Segue a foto do canhoto.
                """,
                "foto_canhoto_{pedido}.jpg",
            ),
            a("""
                {nome},

                Sinto muito! Já separei a caixa que faltou; ela segue amanhã pela nossa frota própria, sem
                custo.

                O caso #{caso} continua aberto até a entrega.
            """),
            c("Ok, obrigado."),
        ),
    ),
    MailThread(
        "tabela",
        "Vendas",
        "Tabela de preços",
        "",
        "low",
        False,
        5,
        (
            c("""
                {saudacao},

                Poderiam enviar a tabela de preços atualizada? Estamos revisando nossos fornecedores para o
                próximo semestre.
            """),
            a(
                """
                {saudacao}, {nome},

                Segue em anexo nossa tabela atualizada. Os preços valem para pedidos faturados até o fim do
                mês.

                Para volumes maiores, consigo condições especiais. Se puder me passar a previsão de consumo
                mensal, monto uma proposta.
                """,
                "tabela_precos_atualizada.xlsx",
            ),
            c("""
                Olá, {atendente},

                Nosso consumo mensal é, em média:

                - {qtd} cx de {produto};
                - 30 fardos de papel higiênico rolão;
                - 40 galões de água sanitária 5L.

                Aguardo a proposta.
            """),
            a(
                """
                {nome},

                Segue a proposta de fornecimento mensal, com 8% de desconto sobre a tabela e entrega
                programada toda primeira semana do mês.

                A proposta vale por 15 dias.
                """,
                "proposta_fornecimento_mensal.pdf",
            ),
            c("""
                {atendente},

                A diretoria aprovou a proposta. Como formalizamos?
            """),
            a("""
                Que ótima notícia, {nome}!

                Vou enviar o contrato de fornecimento para assinatura digital ainda hoje. O primeiro pedido
                programado sai {data_entrega}.
            """),
        ),
    ),
    MailThread(
        "limite",
        "Financeiro",
        "Solicitação de aumento de limite",
        "Aumento de limite de crédito - {empresa}",
        "normal",
        True,
        5,
        (
            c("""
                {saudacao},

                Gostaríamos de solicitar o aumento do nosso limite de crédito. Nosso volume de compras dobrou
                nos últimos meses e o limite atual tem travado os pedidos.
            """),
            a("""
                {saudacao}, {nome},

                Recebemos a solicitação e abrimos o caso #{caso}. Para a análise, precisamos do faturamento
                dos últimos 12 meses e do último balanço.
            """),
            c("Segue a documentação solicitada.", "faturamento_12_meses.pdf", "balanco_patrimonial.pdf"),
            a("""
                {nome},

                Documentação recebida e encaminhada ao financeiro. O prazo de análise é de até 3 dias úteis.
            """),
            c("{atendente}, alguma novidade sobre a análise?"),
            a("""
                {saudacao}, {nome},

                Boa notícia: o limite foi aprovado em R$ {limite}, já disponível para novos pedidos.

                Obrigada pela parceria!
            """),
            c("Excelente! Obrigado."),
        ),
    ),
)

#: Sign-offs of customers' e-mails (the name, role and company follow).
CUSTOMER_SIGN_OFFS: Final = ("Atenciosamente,", "Att.,", "Obrigado,", "Abraços,", "Cordialmente,")

#: The attendant's signature; {atendente_completo}, {loja}, {telefone_loja} and {whatsapp_loja} are filled in.
ATTENDANT_SIGNATURE: Final = (
    "Atenciosamente,\n{atendente_completo}\nAtendimento Comercial | {loja}\n{telefone_loja} · WhatsApp {whatsapp_loja}"
)
