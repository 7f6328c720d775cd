"""E-mail threads of the demo about deliveries and returns (queue "Suporte"), in Brazilian Portuguese.

See :mod:`deskchat.demo.sample_mail` for the placeholders and how bodies are written.
"""

from __future__ import annotations

from typing import Final

from deskchat.demo.script_types import MailThread
from deskchat.demo.script_types import mail_attendant as a
from deskchat.demo.script_types import mail_customer as c

SUPPORT_THREADS: Final = (
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
)
