"""E-mail threads of the demo, in Brazilian Portuguese: sales and finance here, support in
:mod:`deskchat.demo.sample_mail_support`.

Bodies hold the placeholders of :mod:`deskchat.demo.sample_chats` plus {qtd_menos}, {email_financeiro} and
{whatsapp_loja}; the generator appends the sender's signature. A tagged thread gets "[Caso #N]" in the subject
from the attendant's first reply on; every reply gets "RE: ". Bodies are indented blocks, see
:func:`deskchat.demo.script_types.paragraphs`.
"""

from __future__ import annotations

from typing import Final

from deskchat.demo.sample_mail_support import SUPPORT_THREADS
from deskchat.demo.script_types import MailThread
from deskchat.demo.script_types import mail_attendant as a
from deskchat.demo.script_types import mail_customer as c

SALES_THREADS: Final = (
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

#: Every thread, sales and finance first.
THREADS: Final = SALES_THREADS + SUPPORT_THREADS

#: Sign-offs of customers' e-mails (the name, role and company follow).
CUSTOMER_SIGN_OFFS: Final = ("Atenciosamente,", "Att.,", "Obrigado,", "Abraços,", "Cordialmente,")

#: The attendant's signature; {atendente_completo}, {loja}, {telefone_loja} and {whatsapp_loja} are filled in.
ATTENDANT_SIGNATURE: Final = (
    "Atenciosamente,\n{atendente_completo}\nAtendimento Comercial | {loja}\n{telefone_loja} · WhatsApp {whatsapp_loja}"
)
