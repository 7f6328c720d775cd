<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pt_BR">
<context>
    <name>AttachmentActions</name>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="108"/>
        <source>Reply</source>
        <translation>Responder</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="130"/>
        <source>Open</source>
        <translation>Abrir</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="133"/>
        <source>Save as…</source>
        <translation>Salvar como…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="140"/>
        <source>Still downloading…</source>
        <translation>Ainda baixando…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="141"/>
        <source>Media expired — ask the customer to send it again</source>
        <translation>Mídia expirada — peça ao cliente para reenviar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="142"/>
        <location filename="../../deskchat/ui/attachment_actions.py" line="145"/>
        <source>Download failed</source>
        <translation>O download falhou</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="143"/>
        <source>Too large to download automatically</source>
        <translation>Grande demais para baixar automaticamente</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="148"/>
        <source>attachment</source>
        <translation>anexo</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="160"/>
        <source>Open a file that can run code?</source>
        <translation>Abrir um arquivo que pode executar código?</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="162"/>
        <source>“%1” can run code on this computer when opened (a program, script, installer, shortcut or document with macros). Open it only if you trust who sent it and expected this file.</source>
        <translation>“%1” pode executar código neste computador ao ser aberto (um programa, script, instalador, atalho ou documento com macros). Abra somente se você confia em quem enviou e esperava este arquivo.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="170"/>
        <source>Open anyway</source>
        <translation>Abrir mesmo assim</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="184"/>
        <location filename="../../deskchat/ui/attachment_actions.py" line="211"/>
        <source>This file is not available any more.</source>
        <translation>Este arquivo não está mais disponível.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="188"/>
        <source>No application on this computer opens “%1”. Use “Save as…”.</source>
        <translation>Nenhum aplicativo deste computador abre “%1”. Use “Salvar como…”.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/attachment_actions.py" line="203"/>
        <source>Save attachment</source>
        <translation>Salvar anexo</translation>
    </message>
</context>
<context>
    <name>Bubble</name>
    <message>
        <location filename="../../deskchat/ui/bubble_delegate.py" line="77"/>
        <source>Voice message</source>
        <translation>Mensagem de voz</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/bubble_delegate.py" line="79"/>
        <source>Sticker</source>
        <translation>Figurinha</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/bubble_delegate.py" line="80"/>
        <source>Attachment</source>
        <translation>Anexo</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/bubble_delegate.py" line="85"/>
        <source>This message was deleted</source>
        <translation>Mensagem apagada</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/bubble_delegate.py" line="87"/>
        <source>Waiting for this message…</source>
        <translation>Aguardando esta mensagem…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/bubble_delegate.py" line="92"/>
        <source>see the whole message</source>
        <translation>ver mensagem completa</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/bubble_delegate.py" line="180"/>
        <location filename="../../deskchat/ui/bubble_delegate.py" line="380"/>
        <source>failed — try again</source>
        <translation>falhou — tentar novamente</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/bubble_delegate.py" line="186"/>
        <source>WhatsApp</source>
        <translation>WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/bubble_delegate.py" line="188"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/bubble_delegate.py" line="202"/>
        <source>edited</source>
        <translation>editada</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/bubble_delegate.py" line="312"/>
        <source>You</source>
        <translation>Você</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/paint_guard.py" line="41"/>
        <source>(this item cannot be shown)</source>
        <translation>(não foi possível mostrar este item)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/models/chat.py" line="95"/>
        <source>Loading a long message…</source>
        <extracomment>A bubble shows at most this much of a text; the rest opens in a viewer (&quot;ver mensagem completa&quot;). A quoted message is shown on one line: never more than this is kept.</extracomment>
        <translation>Carregando mensagem longa…</translation>
    </message>
</context>
<context>
    <name>CardParts</name>
    <message>
        <location filename="../../deskchat/ui/connections/card_parts.py" line="61"/>
        <source>%1 conversations linked to cases automatically today</source>
        <translation>%1 conversas vinculadas a casos automaticamente hoje</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/card_parts.py" line="69"/>
        <source>Account added</source>
        <translation>Conta adicionada</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/card_parts.py" line="70"/>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/card_parts.py" line="71"/>
        <source>Connection attempt</source>
        <translation>Tentativa de conexão</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/card_parts.py" line="72"/>
        <source>Connection refused</source>
        <translation>Conexão recusada</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/card_parts.py" line="73"/>
        <source>Connection ended</source>
        <translation>Conexão encerrada</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/card_parts.py" line="74"/>
        <source>Next attempt in</source>
        <translation>Próxima tentativa em</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/card_parts.py" line="75"/>
        <source>Disconnected by the attendant</source>
        <translation>Desconectado pelo atendente</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/card_parts.py" line="76"/>
        <source>Session could not be resumed</source>
        <translation>Não foi possível retomar a sessão</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/card_parts.py" line="83"/>
        <source>Disconnect</source>
        <translation>Desconectar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/card_parts.py" line="84"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/card_parts.py" line="95"/>
        <source>Demo (simulated)</source>
        <translation>Demonstração (simulado)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/card_parts.py" line="98"/>
        <source>Sample account: nothing is sent or received.</source>
        <translation>Conta de exemplo: nada é enviado nem recebido.</translation>
    </message>
</context>
<context>
    <name>CaseCard</name>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="59"/>
        <source>Status</source>
        <translation>Situação</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="65"/>
        <source>Priority</source>
        <translation>Prioridade</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="70"/>
        <source>Queue</source>
        <translation>Fila</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="73"/>
        <source>Nobody</source>
        <translation>Ninguém</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="75"/>
        <source>Assignee</source>
        <translation>Responsável</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="79"/>
        <source>Sync</source>
        <translation>Sincronização</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="85"/>
        <source>Accept</source>
        <translation>Atender</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="86"/>
        <source>Close case</source>
        <translation>Encerrar caso</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="87"/>
        <source>Reopen</source>
        <translation>Reabrir</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="88"/>
        <source>Move this conversation here</source>
        <translation>Mover esta conversa para cá</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="104"/>
        <source>Add a note to this case</source>
        <translation>Adicionar uma nota a este caso</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="106"/>
        <source>Add note</source>
        <translation>Adicionar nota</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="190"/>
        <source>Note added; it goes to the CRM with the queue.</source>
        <translation>Nota adicionada; vai para o CRM com a fila.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="196"/>
        <source>Pending</source>
        <translation>Pendente</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="197"/>
        <source>In progress</source>
        <translation>Em atendimento</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="198"/>
        <source>Closed</source>
        <translation>Encerrado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="203"/>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="204"/>
        <source>Low</source>
        <translation>Baixa</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="205"/>
        <source>Normal</source>
        <translation>Normal</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="206"/>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="207"/>
        <source>High</source>
        <translation>Alta</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="208"/>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="209"/>
        <source>Urgent</source>
        <translation>Urgente</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="215"/>
        <source>linked by the subject [Case %1]</source>
        <translation>vinculado pelo assunto [Caso %1]</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="217"/>
        <source>linked by the phone number</source>
        <translation>vinculado pelo telefone</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="218"/>
        <source>linked by the sender</source>
        <translation>vinculado pelo remetente</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="219"/>
        <source>linked by hand</source>
        <translation>vinculado à mão</translation>
    </message>
</context>
<context>
    <name>ChatPane</name>
    <message>
        <location filename="../../deskchat/ui/panes/chat.py" line="127"/>
        <source>Accept</source>
        <translation>Atender</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/chat.py" line="131"/>
        <source>Reopen</source>
        <translation>Reabrir</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/chat.py" line="276"/>
        <source>Pending</source>
        <translation>Pendente</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/chat.py" line="277"/>
        <source>In progress</source>
        <translation>Em atendimento</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/chat.py" line="278"/>
        <source>Closed</source>
        <translation>Encerrado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/chat.py" line="129"/>
        <source>Close</source>
        <translation>Encerrar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/chat.py" line="153"/>
        <source>Send</source>
        <translation>Enviar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/chat.py" line="165"/>
        <source>Select a conversation to start</source>
        <translation>Selecione uma conversa para começar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/chat.py" line="274"/>
        <source>WhatsApp</source>
        <translation>WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/chat.py" line="274"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
</context>
<context>
    <name>ClientSection</name>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="22"/>
        <source>CRM client</source>
        <translation>Cliente no CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="32"/>
        <source>Company</source>
        <translation>Empresa</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="32"/>
        <source>A name is needed (at most 200 characters).</source>
        <translation>Informe um nome (até 200 caracteres).</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="33"/>
        <source>CNPJ</source>
        <translation>CNPJ</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="33"/>
        <source>Not a valid CNPJ: check the 14 digits.</source>
        <translation>CNPJ inválido: confira os 14 dígitos.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="34"/>
        <source>Company type</source>
        <translation>Tipo de empresa</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="34"/>
        <source>At most 100 characters.</source>
        <translation>No máximo 100 caracteres.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="35"/>
        <source>Credit limit</source>
        <translation>Limite de crédito</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="35"/>
        <source>Type an amount such as 12.345,67.</source>
        <translation>Digite um valor como 12.345,67.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="36"/>
        <source>Sales stage</source>
        <translation>Etapa de venda</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="37"/>
        <source>Responsible</source>
        <translation>Responsável</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="37"/>
        <source>Nobody</source>
        <translation>Ninguém</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="51"/>
        <source>Debt</source>
        <translation>Débito</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="53"/>
        <source>Linked</source>
        <translation>Vínculo</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="57"/>
        <source>Sync</source>
        <translation>Sincronização</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="64"/>
        <source>New</source>
        <translation>Novo</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="65"/>
        <source>Lead</source>
        <translation>Lead</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="66"/>
        <source>Qualified</source>
        <translation>Qualificado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="67"/>
        <source>Proposal</source>
        <translation>Proposta</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="68"/>
        <location filename="../../deskchat/ui/panes/info_client.py" line="69"/>
        <source>Negotiation</source>
        <translation>Negociação</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="70"/>
        <location filename="../../deskchat/ui/panes/info_client.py" line="71"/>
        <source>Won</source>
        <translation>Ganho</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="72"/>
        <source>Lost</source>
        <translation>Perdido</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="116"/>
        <source>lead created here</source>
        <translation>lead criado aqui</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="117"/>
        <source>linked by hand</source>
        <translation>vinculado à mão</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="118"/>
        <source>linked by the phone number</source>
        <translation>vinculado pelo telefone</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="119"/>
        <source>linked by the sender</source>
        <translation>vinculado pelo remetente</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_client.py" line="120"/>
        <source>as the CRM holds it</source>
        <translation>como está no CRM</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../deskchat/ui/composer.py" line="16"/>
        <source>Type a message — Enter sends, Shift+Enter breaks the line</source>
        <translation>Digite uma mensagem — Enter envia, Shift+Enter quebra a linha</translation>
    </message>
</context>
<context>
    <name>ConnectionsDialog</name>
    <message>
        <location filename="../../deskchat/ui/connections/dialog.py" line="59"/>
        <source>Service integrations</source>
        <translation>Integrações de Atendimento</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/dialog.py" line="74"/>
        <source>Link the WhatsApp numbers and mailboxes you serve customers with. Each one resumes by itself next time.</source>
        <translation>Vincule os números de WhatsApp e as caixas de e-mail com que você atende os clientes. Cada um se reconecta sozinho na próxima vez.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/dialog.py" line="92"/>
        <location filename="../../deskchat/ui/connections/dialog.py" line="226"/>
        <source>Add a WhatsApp number</source>
        <translation>Adicionar um número de WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/dialog.py" line="95"/>
        <source>Add a mailbox</source>
        <translation>Adicionar caixa de e-mail</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/dialog.py" line="101"/>
        <source>Not available in the demo profile</source>
        <translation>Indisponível no perfil de demonstração</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/dialog.py" line="113"/>
        <source>Main number</source>
        <translation>Número principal</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/dialog.py" line="131"/>
        <source>WhatsApp — %1</source>
        <translation>WhatsApp — %1</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/dialog.py" line="227"/>
        <source>A name for this number (e.g. Vendas, Suporte):</source>
        <translation>Um nome para este número (por exemplo, Vendas, Suporte):</translation>
    </message>
</context>
<context>
    <name>ConversationPane</name>
    <message>
        <location filename="../../deskchat/ui/panes/conversations.py" line="65"/>
        <source>Search messages (Ctrl+F)</source>
        <extracomment>A tab of the list: one ticket status, or the groups.</extracomment>
        <translation>Buscar mensagens (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/conversations.py" line="134"/>
        <source>Pending</source>
        <translation>Pendentes</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/conversations.py" line="135"/>
        <source>In progress</source>
        <translation>Em atendimento</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/conversations.py" line="136"/>
        <source>Closed</source>
        <translation>Encerrados</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/conversations.py" line="137"/>
        <source>Groups</source>
        <translation>Grupos</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../deskchat/ui/crash.py" line="80"/>
        <source>DeskChat — unexpected error</source>
        <extracomment>Where a report came from (shown in the details).</extracomment>
        <translation>DeskChat — erro inesperado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crash.py" line="85"/>
        <source>An unexpected error occurred… DeskChat keeps running. If it happens again, copy the details and send them to IT.</source>
        <translation>Ocorreu um erro inesperado… O DeskChat continua funcionando. Se acontecer de novo, copie os detalhes e envie à TI.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crash.py" line="95"/>
        <source>Copy details</source>
        <translation>Copiar detalhes</translation>
    </message>
</context>
<context>
    <name>CrmBanner</name>
    <message>
        <location filename="../../deskchat/ui/crm_banner.py" line="27"/>
        <source>Reconnect to the CRM</source>
        <translation>Reconectar ao CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_banner.py" line="31"/>
        <source>Open journal</source>
        <translation>Abrir o diário</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_banner.py" line="45"/>
        <source>sign-in needed</source>
        <translation>entrada necessária</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_banner.py" line="46"/>
        <source>too many requests, waiting</source>
        <translation>muitas requisições, aguardando</translation>
    </message>
    <message numerus="yes">
        <location filename="../../deskchat/ui/crm_banner.py" line="48"/>
        <source>CRM unavailable — %n item(s) in the queue</source>
        <translation>
            <numerusform>CRM indisponível — %n item na fila</numerusform>
            <numerusform>CRM indisponível — %n itens na fila</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../deskchat/ui/crm_banner.py" line="58"/>
        <source>CRM: %n item(s) need your attention</source>
        <translation>
            <numerusform>CRM: %n item precisa da sua atenção</numerusform>
            <numerusform>CRM: %n itens precisam da sua atenção</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CrmCard</name>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="46"/>
        <source>CRM</source>
        <translation>CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="54"/>
        <source>https://crm.your-company.com</source>
        <translation>https://crm.suaempresa.com.br</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="60"/>
        <source>set by IT</source>
        <translation>definido pela TI</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="75"/>
        <source>Test connection</source>
        <translation>Testar conexão</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="77"/>
        <source>Connect</source>
        <translation>Conectar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="79"/>
        <source>Reconnect to the CRM</source>
        <translation>Reconectar ao CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="81"/>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="205"/>
        <source>Disconnect</source>
        <translation>Desconectar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="92"/>
        <source>Address</source>
        <translation>Endereço</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="93"/>
        <source>User</source>
        <translation>Usuário</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="94"/>
        <source>Password</source>
        <translation>Senha</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="115"/>
        <source>Your IT department set the CRM address.</source>
        <translation>O endereço do CRM foi definido pela TI da empresa.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="128"/>
        <source>Connected (%1)</source>
        <translation>Conectado (%1)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="131"/>
        <source>Queue paused — Reconnect to the CRM</source>
        <translation>Fila pausada — Reconectar ao CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="132"/>
        <source>Sign-in required</source>
        <translation>Entrada necessária</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="136"/>
        <source>CRM unavailable — retrying in %1 s</source>
        <translation>CRM indisponível — nova tentativa em %1 s</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="137"/>
        <source>CRM unavailable</source>
        <translation>CRM indisponível</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="139"/>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="193"/>
        <source>Connecting…</source>
        <translation>Conectando…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="141"/>
        <source>Demo (simulated)</source>
        <translation>Demonstração (simulado)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="142"/>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="165"/>
        <source>The CRM answers and accepted the user and password.</source>
        <translation>O CRM respondeu e aceitou o usuário e a senha.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="166"/>
        <source>Wrong user or password.</source>
        <translation>Usuário ou senha incorretos.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="167"/>
        <source>This address answers, but it is not a DeskChat CRM.</source>
        <translation>Este endereço responde, mas não é um CRM compatível com o DeskChat.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="168"/>
        <source>The CRM cannot be reached at this address.</source>
        <translation>Não foi possível acessar o CRM neste endereço.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="169"/>
        <source>The secure connection failed (TLS certificate or protocol).</source>
        <translation>A conexão segura falhou (certificado ou protocolo TLS).</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="175"/>
        <source>Fill in the address, the user and the password.</source>
        <translation>Preencha o endereço, o usuário e a senha.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="183"/>
        <source>Testing…</source>
        <translation>Testando…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="205"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/crm_card.py" line="208"/>
        <source>Disconnect DeskChat from the CRM? Changes not yet sent wait here until you connect again; the CRM sign-in is ended on this computer.</source>
        <translation>Desconectar o DeskChat do CRM? As alterações ainda não enviadas aguardam aqui até você conectar de novo; a entrada no CRM é encerrada neste computador.</translation>
    </message>
</context>
<context>
    <name>CrmConflictDialog</name>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="81"/>
        <source>CRM conflict</source>
        <translation>Conflito no CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="85"/>
        <source>%1 was changed in the CRM while your change waited. Choose what stays:</source>
        <translation>%1 foi alterado no CRM enquanto a sua alteração aguardava. Escolha o que fica:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="86"/>
        <source>This record</source>
        <translation>Este registro</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="100"/>
        <source>Send</source>
        <translation>Enviar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="109"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="110"/>
        <source>Priority</source>
        <translation>Prioridade</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="111"/>
        <source>Queue</source>
        <translation>Fila</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="112"/>
        <source>Assignee</source>
        <translation>Responsável</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="113"/>
        <source>Subject</source>
        <translation>Assunto</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="114"/>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="115"/>
        <source>Sales stage</source>
        <translation>Etapa de venda</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="116"/>
        <source>Credit limit (cents)</source>
        <translation>Limite de crédito (centavos)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="117"/>
        <source>Debt (cents)</source>
        <translation>Débito (centavos)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="118"/>
        <source>CNPJ</source>
        <translation>CNPJ</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="119"/>
        <source>Company type</source>
        <translation>Tipo de empresa</translation>
    </message>
</context>
<context>
    <name>CrmJournalDialog</name>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="48"/>
        <source>CRM sync journal</source>
        <translation>Diário de sincronização do CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="59"/>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="59"/>
        <source>Record</source>
        <translation>Registro</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="59"/>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="69"/>
        <source>Try all now</source>
        <translation>Tentar todos agora</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="73"/>
        <source>Close</source>
        <translation>Fechar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="83"/>
        <source>New lead</source>
        <translation>Novo lead</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="84"/>
        <source>Client change</source>
        <translation>Alteração do cliente</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="85"/>
        <source>New case</source>
        <translation>Novo caso</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="86"/>
        <source>Case change</source>
        <translation>Alteração do caso</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="87"/>
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="88"/>
        <source>Message history</source>
        <translation>Histórico de mensagens</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="90"/>
        <source>CRM change</source>
        <translation>Alteração no CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="118"/>
        <source>%1 waiting, %2 failed, %3 in conflict</source>
        <translation>%1 aguardando, %2 com falha, %3 em conflito</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="123"/>
        <source>Everything is synced with the CRM.</source>
        <translation>Tudo sincronizado com o CRM.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="129"/>
        <source>Resolve…</source>
        <translation>Resolver…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_journal.py" line="132"/>
        <source>Try now</source>
        <translation>Tentar agora</translation>
    </message>
</context>
<context>
    <name>CrmSyncBadge</name>
    <message>
        <location filename="../../deskchat/ui/crm_sync_badge.py" line="36"/>
        <source>Synced</source>
        <translation>Sincronizado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_sync_badge.py" line="38"/>
        <source>Waiting to retry at %1</source>
        <translation>Aguardando nova tentativa às %1</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_sync_badge.py" line="41"/>
        <source>Conflict — choose which version stays</source>
        <translation>Conflito — escolha a versão que fica</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_sync_badge.py" line="43"/>
        <source>Failed — action needed</source>
        <translation>Falhou — ação necessária</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_sync_badge.py" line="44"/>
        <source>Pending</source>
        <translation>Pendente</translation>
    </message>
</context>
<context>
    <name>DesktopNotifier</name>
    <message>
        <location filename="../../deskchat/ui/notifier.py" line="122"/>
        <source>WhatsApp</source>
        <translation>WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/notifier.py" line="122"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/notifier.py" line="125"/>
        <source>(and %1 more new messages)</source>
        <translation>(e mais %1 mensagens novas)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/notifier.py" line="139"/>
        <source>DeskChat — %1 unread</source>
        <translation>DeskChat — %1 não lidas</translation>
    </message>
</context>
<context>
    <name>EmailCard</name>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="50"/>
        <source>E-mail — %1</source>
        <translation>E-mail — %1</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="65"/>
        <source>Connect</source>
        <translation>Conectar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="68"/>
        <source>Sign in again</source>
        <translation>Entrar novamente</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="71"/>
        <source>Disconnect</source>
        <translation>Desconectar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="74"/>
        <source>Synced folders…</source>
        <translation>Pastas sincronizadas…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="94"/>
        <source>Integration log</source>
        <translation>Log de integração</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="113"/>
        <source>Demo (simulated)</source>
        <translation>Demonstração (simulado)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="113"/>
        <source>Sample mailbox: nothing is sent or received.</source>
        <translation>Caixa de exemplo: nada é enviado nem recebido.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="114"/>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="114"/>
        <source>Press “Connect” to receive and send mail.</source>
        <translation>Clique em “Conectar” para receber e enviar e-mails.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="115"/>
        <source>Connecting</source>
        <translation>Conectando</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="117"/>
        <source>Connected (%1)</source>
        <translation>Conectado (%1)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="118"/>
        <source>New mail arrives here within seconds.</source>
        <translation>Os novos e-mails chegam aqui em segundos.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="120"/>
        <source>Reconnecting</source>
        <translation>Reconectando</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="120"/>
        <source>The connection dropped; DeskChat is restoring it.</source>
        <translation>A conexão caiu; o DeskChat está restabelecendo.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="122"/>
        <source>No internet</source>
        <translation>Sem internet</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="123"/>
        <source>The mail server cannot be reached. DeskChat keeps trying; your mail waits in the outbox.</source>
        <translation>Não foi possível alcançar o servidor de e-mail. O DeskChat continua tentando; seus e-mails aguardam na caixa de saída.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="126"/>
        <source>Server unavailable — next attempt in %1 s</source>
        <translation>Servidor indisponível — nova tentativa em %1 s</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="127"/>
        <source>The mail server answers but refuses service for now. DeskChat keeps trying.</source>
        <translation>O servidor de e-mail responde, mas recusa o serviço por enquanto. O DeskChat continua tentando.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="130"/>
        <source>Sign-in needed</source>
        <translation>Entrada necessária</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="131"/>
        <source>The mail server no longer accepts the sign-in (password changed or access revoked).</source>
        <translation>O servidor de e-mail não aceita mais a entrada (senha alterada ou acesso revogado).</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="157"/>
        <source>First sync: %p%</source>
        <translation>Primeira sincronização: %p%</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="167"/>
        <source>Disconnect this mailbox from DeskChat? Its password or sign-in is deleted from this computer; the mail already received stays here.</source>
        <translation>Desconectar esta caixa de e-mail do DeskChat? A senha ou a entrada é apagada deste computador; os e-mails já recebidos continuam aqui.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="179"/>
        <source>Mailbox added</source>
        <translation>Caixa de e-mail adicionada</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="180"/>
        <source>Mail sent</source>
        <translation>E-mail enviado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/email_card.py" line="181"/>
        <source>Signed in again</source>
        <translation>Entrada renovada</translation>
    </message>
</context>
<context>
    <name>FieldEditor</name>
    <message>
        <location filename="../../deskchat/ui/panes/info_fields.py" line="112"/>
        <source>Edit</source>
        <translation>Editar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_fields.py" line="135"/>
        <source>Save</source>
        <translation>Salvar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_fields.py" line="138"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_fields.py" line="196"/>
        <source>This value cannot be saved.</source>
        <translation>Este valor não pode ser salvo.</translation>
    </message>
</context>
<context>
    <name>FileSending</name>
    <message>
        <location filename="../../deskchat/ui/file_sending.py" line="143"/>
        <location filename="../../deskchat/ui/file_sending.py" line="144"/>
        <source>Attach</source>
        <translation>Anexar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/file_sending.py" line="148"/>
        <source>Attach images or documents (or drop files on the chat)</source>
        <translation>Anexar imagens ou documentos (ou arraste arquivos para a conversa)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/file_sending.py" line="168"/>
        <source>All files (*)</source>
        <translation>Todos os arquivos (*)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/file_sending.py" line="168"/>
        <source>Images (*.jpg *.jpeg *.png *.webp)</source>
        <translation>Imagens (*.jpg *.jpeg *.png *.webp)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/file_sending.py" line="168"/>
        <source>PDF files (*.pdf)</source>
        <translation>Arquivos PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/file_sending.py" line="171"/>
        <source>Send files</source>
        <translation>Enviar arquivos</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/file_sending.py" line="215"/>
        <source>“%1” is %2; files up to %3 can be sent.</source>
        <translation>“%1” tem %2; o limite para envio é de %3.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/file_sending.py" line="222"/>
        <source>“%1” is empty.</source>
        <translation>“%1” está vazio.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/file_sending.py" line="224"/>
        <source>“%1” could not be read: %2</source>
        <translation>Não foi possível ler “%1”: %2</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/file_sending.py" line="238"/>
        <source>These files were not sent:</source>
        <translation>Estes arquivos não foram enviados:</translation>
    </message>
</context>
<context>
    <name>FullTextViewer</name>
    <message>
        <location filename="../../deskchat/ui/full_text_viewer.py" line="34"/>
        <source>Whole message</source>
        <translation>Mensagem completa</translation>
    </message>
</context>
<context>
    <name>InfoPane</name>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="88"/>
        <source>Phone</source>
        <extracomment>Makes the sync-state badge of one CRM record (&quot;contacts&quot; or &quot;cases&quot;, its CRM id); None shows none.</extracomment>
        <translation>Telefone</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="90"/>
        <source>WhatsApp</source>
        <translation>WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="92"/>
        <source>WhatsApp (LID)</source>
        <translation>WhatsApp (LID)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="94"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="96"/>
        <source>CRM id</source>
        <translation>ID no CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="101"/>
        <source>same phone number</source>
        <translation>mesmo telefone</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="102"/>
        <source>same WhatsApp number</source>
        <translation>mesmo número de WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="103"/>
        <source>same WhatsApp account</source>
        <translation>mesma conta de WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="104"/>
        <source>same e-mail address</source>
        <translation>mesmo e-mail</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="105"/>
        <source>same CRM record</source>
        <translation>mesmo registro no CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="106"/>
        <source>joined by hand</source>
        <translation>junção manual</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="109"/>
        <source>Joined records</source>
        <translation>Registros juntados</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="117"/>
        <source>Undo join</source>
        <translation>Desfazer junção</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="119"/>
        <source>Split this record off again, with the conversations and cases it brought</source>
        <translation>Separar este registro de novo, com as conversas e os casos que ele trouxe</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="178"/>
        <source>No conversation selected</source>
        <translation>Nenhuma conversa selecionada</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="225"/>
        <source>Contact</source>
        <translation>Contato</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="188"/>
        <source>Linked cases</source>
        <translation>Casos vinculados</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="194"/>
        <source>Other cases</source>
        <translation>Outros casos</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info.py" line="191"/>
        <source>No linked case</source>
        <translation>Nenhum caso vinculado</translation>
    </message>
</context>
<context>
    <name>LeadSection</name>
    <message>
        <location filename="../../deskchat/ui/panes/info_lead.py" line="28"/>
        <source>CRM client</source>
        <translation>Cliente no CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_lead.py" line="34"/>
        <source>Not in the CRM yet: this contact will become a lead.</source>
        <translation>Ainda não está no CRM: este contato virará um lead.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_lead.py" line="35"/>
        <source>Create lead</source>
        <translation>Criar lead</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_lead.py" line="43"/>
        <source>Search a client: name, CNPJ, phone or e-mail</source>
        <translation>Buscar cliente: nome, CNPJ, telefone ou e-mail</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_lead.py" line="60"/>
        <source>Link to existing client</source>
        <translation>Vincular a cliente existente</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_lead.py" line="91"/>
        <source>The CRM did not answer: only the clients kept here are shown.</source>
        <translation>O CRM não respondeu: só os clientes guardados aqui aparecem.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_lead.py" line="92"/>
        <source>Sign in to the CRM again to search it: only the clients kept here are shown.</source>
        <translation>Entre de novo no CRM para buscar nele: só os clientes guardados aqui aparecem.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_lead.py" line="104"/>
        <source>(no name)</source>
        <translation>(sem nome)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_lead.py" line="106"/>
        <source>%1 (in the CRM)</source>
        <translation>%1 (no CRM)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_lead.py" line="111"/>
        <source>No client found</source>
        <translation>Nenhum cliente encontrado</translation>
    </message>
</context>
<context>
    <name>MailComposer</name>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="109"/>
        <source>Write the e-mail — Enter breaks the line, Ctrl+Enter sends</source>
        <translation>Escreva o e-mail — Enter quebra a linha, Ctrl+Enter envia</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="115"/>
        <source>Quote the previous e-mail</source>
        <translation>Citar o e-mail anterior</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="128"/>
        <source>Attach…</source>
        <translation>Anexar…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="131"/>
        <source>Remove file</source>
        <translation>Remover arquivo</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="140"/>
        <source>Send e-mail</source>
        <translation>Enviar e-mail</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="165"/>
        <source>To:</source>
        <translation>Para:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="166"/>
        <source>Cc:</source>
        <translation>Cc:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="167"/>
        <source>Bcc:</source>
        <translation>Cco:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="168"/>
        <source>Subject:</source>
        <translation>Assunto:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="180"/>
        <source>Signature:</source>
        <translation>Assinatura:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="222"/>
        <source>Best regards,</source>
        <translation>Atenciosamente,</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="238"/>
        <source>On %1, %2 wrote:</source>
        <translation>Em %1, %2 escreveu:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="275"/>
        <source>Attach files</source>
        <translation>Anexar arquivos</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="289"/>
        <source>“%1” is too big (%2).</source>
        <translation>“%1” é grande demais (%2).</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="291"/>
        <source>“%1” is empty.</source>
        <translation>“%1” está vazio.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="293"/>
        <source>“%1” could not be read: %2</source>
        <translation>Não foi possível ler “%1”: %2</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="330"/>
        <source>To</source>
        <translation>Para</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="330"/>
        <source>Cc</source>
        <translation>Cc</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="330"/>
        <source>Bcc</source>
        <translation>Cco</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="335"/>
        <source>%1: “%2” is not a valid e-mail address.</source>
        <translation>%1: “%2” não é um endereço de e-mail válido.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="341"/>
        <source>Who is this e-mail for? Fill in “To”.</source>
        <translation>Para quem é este e-mail? Preencha “Para”.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_composer.py" line="346"/>
        <source>The e-mail has no text.</source>
        <translation>O e-mail está sem texto.</translation>
    </message>
</context>
<context>
    <name>MailFoldersDialog</name>
    <message>
        <location filename="../../deskchat/ui/connections/mail_folders.py" line="39"/>
        <source>Synced folders</source>
        <translation>Pastas sincronizadas</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_folders.py" line="42"/>
        <source>Asking the server for its folders…</source>
        <translation>Pedindo as pastas ao servidor…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_folders.py" line="65"/>
        <source>Connect the mailbox to choose its folders.</source>
        <translation>Conecte a caixa de e-mail para escolher as pastas.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_folders.py" line="68"/>
        <source>The server did not list its folders now. Try again in a moment.</source>
        <translation>O servidor não listou as pastas agora. Tente de novo em instantes.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_folders.py" line="79"/>
        <source>Inbox and Sent are always synced. Check other folders to bring their mail in too.</source>
        <translation>Entrada e Enviados são sempre sincronizadas. Marque outras pastas para trazer os e-mails delas também.</translation>
    </message>
</context>
<context>
    <name>MailReader</name>
    <message>
        <location filename="../../deskchat/ui/mail_reader.py" line="65"/>
        <source>From:</source>
        <translation>De:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_reader.py" line="66"/>
        <source>To:</source>
        <translation>Para:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_reader.py" line="67"/>
        <source>Cc:</source>
        <translation>Cc:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_reader.py" line="68"/>
        <source>Date:</source>
        <translation>Data:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_reader.py" line="103"/>
        <source>This e-mail is no longer stored.</source>
        <translation>Este e-mail não está mais guardado.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_reader.py" line="106"/>
        <location filename="../../deskchat/ui/mail_reader.py" line="107"/>
        <source>(no subject)</source>
        <translation>(sem assunto)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_reader.py" line="116"/>
        <source>Loading the e-mail…</source>
        <translation>Carregando o e-mail…</translation>
    </message>
</context>
<context>
    <name>MailSetupDialog</name>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="107"/>
        <source>Sign in again</source>
        <translation>Entrar novamente</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="107"/>
        <source>Add a mailbox</source>
        <translation>Adicionar caixa de e-mail</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="121"/>
        <source>atendimento@empresa.com.br</source>
        <translation>atendimento@empresa.com.br</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="124"/>
        <source>Name shown to customers, e.g. Suporte Empresa</source>
        <translation>Nome mostrado aos clientes, ex.: Suporte Empresa</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="127"/>
        <source>Gmail / Google Workspace</source>
        <translation>Gmail / Google Workspace</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="128"/>
        <source>Microsoft 365 / Outlook</source>
        <translation>Microsoft 365 / Outlook</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="129"/>
        <source>Generic IMAP</source>
        <translation>IMAP genérico</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="132"/>
        <source>Sign in with the browser</source>
        <translation>Entrar pelo navegador</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="133"/>
        <source>Password or app password</source>
        <translation>Senha ou senha de app</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="136"/>
        <source>Same as the address</source>
        <translation>Igual ao endereço</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="151"/>
        <source>Sign in on another device with a code</source>
        <translation>Entrar em outro dispositivo com um código</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="154"/>
        <source>Connect</source>
        <translation>Conectar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="160"/>
        <source>E-mail address</source>
        <translation>Endereço de e-mail</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="161"/>
        <source>Your name</source>
        <translation>Seu nome</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="162"/>
        <source>Provider</source>
        <translation>Provedor</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="163"/>
        <source>Sign-in</source>
        <translation>Entrada</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="164"/>
        <source>Password</source>
        <translation>Senha</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="165"/>
        <source>Servers</source>
        <translation>Servidores</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="167"/>
        <source>IMAP (incoming)</source>
        <translation>IMAP (entrada)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="167"/>
        <source>SMTP (outgoing)</source>
        <translation>SMTP (saída)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="169"/>
        <source>Port</source>
        <translation>Porta</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="170"/>
        <source>Security</source>
        <translation>Segurança</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="171"/>
        <source>User name</source>
        <translation>Usuário</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="211"/>
        <source>Looking up the servers of %1…</source>
        <translation>Procurando os servidores de %1…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="223"/>
        <source>Type the servers your IT or mail provider gave you.</source>
        <translation>Digite os servidores informados pela TI ou pelo provedor de e-mail.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="226"/>
        <source>Servers found for %1.</source>
        <translation>Servidores encontrados para %1.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="264"/>
        <source>The server refused this user name or password. Check them; Gmail and Outlook accept only an app password here, or sign in with the browser.</source>
        <translation>O servidor recusou este usuário ou senha. Confira os dados; Gmail e Outlook aceitam aqui só uma senha de app, ou entre pelo navegador.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="268"/>
        <source>Cannot reach the mail server %1 (port %2). Check the server name, port and security, and the internet connection.</source>
        <translation>Não foi possível alcançar o servidor de e-mail %1 (porta %2). Confira o nome do servidor, a porta, a segurança e a conexão com a internet.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="274"/>
        <source>Sign-in with %1 is not set up on this computer. Ask IT to set the client id in the policy file, or use an app password.</source>
        <translation>A entrada com %1 não está configurada neste computador. Peça à TI para definir o client id no arquivo de política, ou use uma senha de app.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="277"/>
        <source>The sign-in in the browser did not complete. Try again.</source>
        <translation>A entrada pelo navegador não foi concluída. Tente novamente.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="284"/>
        <source>Type the mailbox&apos;s e-mail address.</source>
        <translation>Digite o endereço de e-mail da caixa.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="288"/>
        <source>Type the IMAP and SMTP servers.</source>
        <translation>Digite os servidores IMAP e SMTP.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="292"/>
        <source>Type the password (or app password).</source>
        <translation>Digite a senha (ou a senha de app).</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="303"/>
        <source>On any device, open %1 and type the code %2.</source>
        <translation>Em qualquer dispositivo, abra %1 e digite o código %2.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="313"/>
        <source>Finish the sign-in in the browser window that opened…</source>
        <translation>Conclua a entrada na janela do navegador que se abriu…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="326"/>
        <source>This mailbox is already connected.</source>
        <translation>Esta caixa de e-mail já está conectada.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="334"/>
        <source>Checking the sign-in with the server…</source>
        <translation>Verificando a entrada com o servidor…</translation>
    </message>
</context>
<context>
    <name>MailView</name>
    <message>
        <location filename="../../deskchat/ui/mail_view.py" line="83"/>
        <source>Remote images were blocked to protect your privacy.</source>
        <translation>As imagens remotas foram bloqueadas para proteger sua privacidade.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_view.py" line="85"/>
        <source>Show remote images</source>
        <translation>Mostrar imagens remotas</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/mail_view.py" line="88"/>
        <source>Always show from this sender</source>
        <translation>Sempre mostrar deste remetente</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="97"/>
        <source>DEMO (sample data, discarded on exit)</source>
        <translation>DEMO (dados de exemplo, descartados ao sair)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="115"/>
        <source>Opening your data…</source>
        <translation>Abrindo seus dados…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="204"/>
        <source>&amp;DeskChat</source>
        <translation>&amp;DeskChat</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="205"/>
        <source>&amp;New conversation…</source>
        <translation>&amp;Nova conversa…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="211"/>
        <source>Service &amp;integrations…</source>
        <translation>&amp;Integrações de atendimento…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="217"/>
        <source>Not available in the demo profile</source>
        <translation>Indisponível no perfil de demonstração</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="219"/>
        <source>&amp;Preferences…</source>
        <translation>&amp;Preferências…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="225"/>
        <source>CRM sync &amp;journal…</source>
        <translation>&amp;Diário de sincronização do CRM…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="231"/>
        <source>&amp;Quit</source>
        <translation>&amp;Sair</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="363"/>
        <source>DEMO</source>
        <translation>DEMO</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="366"/>
        <source>Sample data in a throwaway profile: nothing is sent and it is deleted on exit.</source>
        <translation>Dados de exemplo em um perfil temporário: nada é enviado e tudo é apagado ao sair.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="374"/>
        <source>Disk full — received messages wait for space</source>
        <translation>Disco cheio — mensagens recebidas aguardam espaço</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="420"/>
        <source>CRM</source>
        <translation>CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="421"/>
        <source>WhatsApp</source>
        <translation>WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="421"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="425"/>
        <location filename="../../deskchat/ui/main_window.py" line="426"/>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="427"/>
        <source>Waiting for the QR code to be read</source>
        <translation>Aguardando leitura do QR Code</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="428"/>
        <source>Connecting</source>
        <translation>Conectando</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="429"/>
        <source>Connected</source>
        <translation>Conectado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="430"/>
        <source>Reconnecting</source>
        <translation>Reconectando</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="431"/>
        <source>No internet</source>
        <translation>Sem internet</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="432"/>
        <source>Disconnected by the phone</source>
        <translation>Desconectado pelo celular</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="433"/>
        <source>Opened on another device</source>
        <translation>Aberto em outro dispositivo</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="434"/>
        <source>Temporarily blocked</source>
        <translation>Bloqueio temporário</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="435"/>
        <source>DeskChat update needed</source>
        <translation>Atualização do DeskChat necessária</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="436"/>
        <source>Demo (simulated)</source>
        <translation>Demonstração (simulado)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="446"/>
        <source>WhatsApp history received: %1 messages</source>
        <translation>Histórico do WhatsApp recebido: %1 mensagens</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/main_window.py" line="449"/>
        <source>Receiving WhatsApp history: %1% (%2 messages)</source>
        <translation>Recebendo o histórico do WhatsApp: %1% (%2 mensagens)</translation>
    </message>
</context>
<context>
    <name>NewCaseForm</name>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="234"/>
        <source>New case</source>
        <translation>Novo caso</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="241"/>
        <source>Subject</source>
        <translation>Assunto</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="248"/>
        <source>Create case</source>
        <translation>Criar caso</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/panes/info_cases.py" line="268"/>
        <source>Give the case a subject and a queue.</source>
        <translation>Dê ao caso um assunto e uma fila.</translation>
    </message>
</context>
<context>
    <name>NewConversationDialog</name>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="79"/>
        <source>New conversation</source>
        <extracomment>The conversation to open (new, or the customer&apos;s existing one).</extracomment>
        <translation>Nova conversa</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="93"/>
        <source>Optional</source>
        <translation>Opcional</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="101"/>
        <source>&amp;Account:</source>
        <translation>&amp;Conta:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="104"/>
        <source>&amp;Name:</source>
        <translation>&amp;Nome:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="108"/>
        <source>&amp;Start conversation</source>
        <translation>&amp;Iniciar conversa</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="140"/>
        <source>No account is connected. Connect one in DeskChat › Service integrations (Ctrl+I).</source>
        <translation>Nenhuma conta conectada. Conecte uma em DeskChat › Integrações de atendimento (Ctrl+I).</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="144"/>
        <source>WhatsApp</source>
        <translation>WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="144"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="155"/>
        <source>&amp;E-mail:</source>
        <translation>&amp;E-mail:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="156"/>
        <source>customer@company.com</source>
        <translation>cliente@empresa.com.br</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="158"/>
        <source>&amp;Phone:</source>
        <translation>&amp;Telefone:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="159"/>
        <source>(11) 98765-4321</source>
        <translation>(11) 98765-4321</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="184"/>
        <source>Checking the number with WhatsApp…</source>
        <translation>Verificando o número com o WhatsApp…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="186"/>
        <source>Checking the address…</source>
        <translation>Verificando o endereço…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="43"/>
        <source>No connection to the mailbox — try again when it is connected.</source>
        <translation>Sem conexão com a caixa de e-mail — tente quando estiver conectada.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="47"/>
        <source>The mail server did not answer in time — try again in a moment.</source>
        <translation>O servidor de e-mail não respondeu a tempo — tente de novo em instantes.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="51"/>
        <source>This account is no longer connected. Choose another one.</source>
        <translation>Esta conta não está mais conectada. Escolha outra.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="54"/>
        <source>Invalid phone number. Type it with the area code, e.g. (11) 98765-4321.</source>
        <translation>Número de telefone inválido. Digite com o DDD, por exemplo (11) 98765-4321.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="57"/>
        <source>Invalid address. Type an e-mail address such as customer@company.com.</source>
        <translation>Endereço inválido. Digite um e-mail como cliente@empresa.com.br.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="60"/>
        <source>This number is not on WhatsApp.</source>
        <translation>Este número não está no WhatsApp.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="61"/>
        <source>No connection to WhatsApp — try again when it is connected.</source>
        <translation>Sem conexão com o WhatsApp — tente quando estiver conectado.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/new_conversation.py" line="64"/>
        <source>WhatsApp did not answer in time — try again in a moment.</source>
        <translation>O WhatsApp não respondeu a tempo — tente de novo em instantes.</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="94"/>
        <source>Preferences</source>
        <translation>Preferências</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="111"/>
        <source>Some values in the settings or IT policy files were ignored; the log has the details.</source>
        <translation>Alguns valores dos arquivos de configurações ou da política da TI foram ignorados; os detalhes estão no log.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="132"/>
        <source>Your IT department set this value; it cannot be changed here.</source>
        <translation>Este valor foi definido pela TI da empresa e não pode ser alterado aqui.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="133"/>
        <source>set by IT</source>
        <translation>definido pela TI</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="142"/>
        <source>Takes effect the next time DeskChat starts.</source>
        <translation>Vale a partir da próxima vez que o DeskChat for aberto.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="155"/>
        <source>The preferences could not be saved: %1</source>
        <translation>Não foi possível salvar as preferências: %1</translation>
    </message>
</context>
<context>
    <name>ReplyBar</name>
    <message>
        <location filename="../../deskchat/ui/reply_bar.py" line="35"/>
        <source>Cancel the reply (Esc)</source>
        <extracomment>The bar shows one line of the quoted text: no more than this is looked at.</extracomment>
        <translation>Cancelar a resposta (Esc)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/reply_bar.py" line="45"/>
        <source>(attachment)</source>
        <translation>(anexo)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/reply_bar.py" line="47"/>
        <source>Replying to: %1</source>
        <translation>Respondendo a: %1</translation>
    </message>
</context>
<context>
    <name>ReplyChannelPicker</name>
    <message>
        <location filename="../../deskchat/ui/reply_channel.py" line="45"/>
        <source>Reply by</source>
        <extracomment>The attendant chose to reply by this conversation (started first when it was a new channel).</extracomment>
        <translation>Responder por</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/reply_channel.py" line="100"/>
        <source>WhatsApp</source>
        <translation>WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/reply_channel.py" line="100"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/reply_channel.py" line="102"/>
        <source>%1 · %2 (new conversation)</source>
        <translation>%1 · %2 (nova conversa)</translation>
    </message>
</context>
<context>
    <name>ServerFields</name>
    <message>
        <location filename="../../deskchat/ui/connections/mail_setup.py" line="70"/>
        <source>None (this computer only)</source>
        <translation>Nenhuma (só este computador)</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="36"/>
        <source>WhatsApp</source>
        <extracomment>Qt context of the schema&apos;s labels and choices. The schema&apos;s labels and choices once more, for pyside6-lupdate (which reads deskchat/ui only, not deskchat/config). tests/unit/config checks that every label in the schema has its Portuguese translation.</extracomment>
        <translation>WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="37"/>
        <source>Tickets</source>
        <translation>Atendimentos</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="38"/>
        <source>Interface</source>
        <translation>Interface</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="39"/>
        <source>Send read receipts (blue ticks) when I open a conversation</source>
        <translation>Enviar confirmações de leitura (tiques azuis) ao abrir uma conversa</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="40"/>
        <source>WhatsApp groups</source>
        <translation>Grupos do WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="41"/>
        <source>In their own tab (Groups)</source>
        <translation>Na própria aba (Grupos)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="42"/>
        <source>Ignore (group messages are not stored)</source>
        <translation>Ignorar (mensagens de grupo não são armazenadas)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="43"/>
        <source>Mixed with customer conversations</source>
        <translation>Junto com as conversas de clientes</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="44"/>
        <source>Reopen a closed ticket when the customer writes within (hours)</source>
        <translation>Reabrir um atendimento encerrado se o cliente escrever em até (horas)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="45"/>
        <source>Notifications</source>
        <translation>Notificações</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="46"/>
        <source>Show a desktop notification when a customer writes</source>
        <translation>Mostrar uma notificação na área de trabalho quando um cliente escrever</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="47"/>
        <source>Play a sound when a customer writes</source>
        <translation>Tocar um som quando um cliente escrever</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="48"/>
        <source>CRM</source>
        <translation>CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="49"/>
        <source>Create a CRM lead and case when an unknown customer writes</source>
        <translation>Criar um lead e um caso no CRM quando um cliente desconhecido escrever</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="50"/>
        <source>CRM address</source>
        <translation>Endereço do CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="51"/>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="52"/>
        <source>Português (Brasil)</source>
        <translation>Português (Brasil)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/preferences.py" line="53"/>
        <source>English</source>
        <translation>English</translation>
    </message>
</context>
<context>
    <name>StoreDialogs</name>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="15"/>
        <source>Your data was not changed or deleted.</source>
        <translation>Seus dados não foram alterados nem apagados.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="17"/>
        <source>This computer has no working password vault (keyring) for DeskChat to keep its encryption key in.</source>
        <translation>Este computador não tem um cofre de senhas (keyring) funcionando onde o DeskChat possa guardar sua chave de criptografia.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="21"/>
        <source>DeskChat&apos;s data is protected by a passphrase.</source>
        <translation>Os dados do DeskChat estão protegidos por uma senha.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="24"/>
        <source>The file that says where DeskChat&apos;s encryption key is kept (store.json) is missing. Restore it from a backup or call IT support.</source>
        <translation>O arquivo que indica onde está a chave de criptografia do DeskChat (store.json) sumiu. Restaure-o de um backup ou chame o suporte de TI.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="29"/>
        <source>The file that says where DeskChat&apos;s encryption key is kept (store.json) is damaged or is not DeskChat&apos;s. Restore it from a backup or call IT support.</source>
        <translation>O arquivo que diz onde fica a chave de criptografia do DeskChat (store.json) está danificado ou não é do DeskChat. Restaure-o de um backup ou chame o suporte de TI.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="34"/>
        <source>DeskChat&apos;s data file (deskchat.db) is missing from the profile folder, but the file that describes its key (store.json) is there. DeskChat did not create a new, empty store in its place. Restore deskchat.db from a backup or call IT support.</source>
        <translation>O arquivo de dados do DeskChat (deskchat.db) não está na pasta do perfil, mas o arquivo que descreve a sua chave (store.json) está. O DeskChat não criou um banco novo e vazio no lugar dele. Restaure o deskchat.db de um backup ou chame o suporte de TI.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="40"/>
        <source>DeskChat&apos;s data file (deskchat.db) is empty (0 bytes), but the file that describes its key (store.json) is there. DeskChat did not create a new, empty store in its place. Restore deskchat.db from a backup or call IT support.</source>
        <translation>O arquivo de dados do DeskChat (deskchat.db) está vazio (0 bytes), mas o arquivo que descreve a sua chave (store.json) existe. O DeskChat não criou um banco novo e vazio no lugar dele. Restaure o deskchat.db de um backup ou chame o suporte de TI.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="46"/>
        <source>DeskChat&apos;s data file (deskchat.db) is damaged: the encryption key is right, but part of the file cannot be read. Do not delete it. Restore it from a backup or call IT support.</source>
        <translation>O arquivo de dados do DeskChat (deskchat.db) está danificado: a chave de criptografia está correta, mas parte do arquivo não pode ser lida. Não o apague. Restaure-o de um backup ou chame o suporte de TI.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="51"/>
        <source>The encryption key of DeskChat&apos;s data is not in this session&apos;s password vault (keyring). Open DeskChat in the session where it was set up, or call IT support.</source>
        <translation>A chave de criptografia dos dados do DeskChat não está no cofre de senhas (keyring) desta sessão. Abra o DeskChat na sessão em que ele foi configurado ou chame o suporte de TI.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="56"/>
        <source>The encryption key kept in the password vault is damaged. Call IT support.</source>
        <translation>A chave de criptografia guardada no cofre de senhas está danificada. Chame o suporte de TI.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="59"/>
        <source>This was a temporary demo profile; its key no longer exists.</source>
        <translation>Este era um perfil de demonstração temporário; a chave dele não existe mais.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="62"/>
        <source>The key or passphrase does not open DeskChat&apos;s data.</source>
        <translation>A chave ou senha não abre os dados do DeskChat.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="75"/>
        <source>Choose a passphrase of at least %1 characters to protect your data. Without it the data cannot be opened: keep it safe.</source>
        <translation>Escolha uma senha de pelo menos %1 caracteres para proteger seus dados. Sem ela os dados não podem ser abertos: guarde-a bem.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="84"/>
        <location filename="../../deskchat/ui/store_dialogs.py" line="99"/>
        <source>Protect DeskChat&apos;s data</source>
        <translation>Proteger os dados do DeskChat</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="94"/>
        <source>The passphrase is too short.</source>
        <translation>A senha é curta demais.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="100"/>
        <source>Type the passphrase again:</source>
        <translation>Digite a senha novamente:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="110"/>
        <source>The two passphrases differ. Try again.</source>
        <translation>As duas senhas são diferentes. Tente de novo.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="114"/>
        <source>Unlock DeskChat</source>
        <translation>Desbloquear o DeskChat</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="115"/>
        <source>Type the passphrase that protects DeskChat&apos;s data:</source>
        <translation>Digite a senha que protege os dados do DeskChat:</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="126"/>
        <source>DeskChat&apos;s data could not be opened because of an unexpected problem. Call IT support: the details are in the log file (logs/deskchat.log).</source>
        <translation>Os dados do DeskChat não puderam ser abertos por causa de um problema inesperado. Chame o suporte de TI: os detalhes estão no arquivo de log (logs/deskchat.log).</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="156"/>
        <source>DeskChat&apos;s data is damaged</source>
        <translation>Os dados do DeskChat estão danificados</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="157"/>
        <source>DeskChat found damage in its data file (deskchat.db) while working. Messages may fail to be stored or shown. Close DeskChat, keep the file, and call IT support.</source>
        <translation>O DeskChat encontrou danos no seu arquivo de dados (deskchat.db) durante o trabalho. Mensagens podem deixar de ser guardadas ou mostradas. Feche o DeskChat, guarde o arquivo e chame o suporte de TI.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/store_dialogs.py" line="131"/>
        <source>DeskChat cannot open its data</source>
        <translation>O DeskChat não consegue abrir seus dados</translation>
    </message>
</context>
<context>
    <name>Time</name>
    <message>
        <location filename="../../deskchat/ui/theme.py" line="52"/>
        <location filename="../../deskchat/ui/theme.py" line="63"/>
        <source>Yesterday</source>
        <translation>Ontem</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/theme.py" line="61"/>
        <source>Today</source>
        <translation>Hoje</translation>
    </message>
</context>
<context>
    <name>WhatsAppCard</name>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="51"/>
        <source>WhatsApp — %1</source>
        <translation>WhatsApp — %1</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="67"/>
        <source>Generate new QR Code</source>
        <translation>Gerar novo QR Code</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="78"/>
        <source>Connect WhatsApp</source>
        <translation>Conectar WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="82"/>
        <source>Phone number, e.g. (11) 98765-4321</source>
        <translation>Número do celular, ex.: (11) 98765-4321</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="83"/>
        <source>Connect with phone number</source>
        <translation>Conectar com número de telefone</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="85"/>
        <source>Disconnect</source>
        <translation>Desconectar</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="92"/>
        <source>Try again</source>
        <translation>Tentar de novo</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="123"/>
        <source>Integration log</source>
        <translation>Log de integração</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="138"/>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="138"/>
        <source>Press “Connect WhatsApp” and scan the QR code.</source>
        <translation>Clique em “Conectar WhatsApp” e leia o QR Code.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="140"/>
        <source>Waiting for the QR code to be read</source>
        <translation>Aguardando leitura do QR Code</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="141"/>
        <source>On the phone: WhatsApp › Linked devices › Link a device, then point it at the code.</source>
        <translation>No celular: WhatsApp › Dispositivos conectados › Conectar um dispositivo, e aponte para o código.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="143"/>
        <source>Connecting</source>
        <translation>Conectando</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="145"/>
        <source>Connected</source>
        <translation>Conectado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="146"/>
        <source>This computer shows up on the phone as “%1”.</source>
        <translation>Este computador aparece no celular como “%1”.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="148"/>
        <source>Reconnecting</source>
        <translation>Reconectando</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="148"/>
        <source>The connection dropped; DeskChat is restoring it.</source>
        <translation>A conexão caiu; o DeskChat está restabelecendo.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="150"/>
        <source>No internet</source>
        <translation>Sem internet</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="151"/>
        <source>WhatsApp cannot be reached. DeskChat keeps trying; your messages wait in the outbox.</source>
        <translation>Não foi possível alcançar o WhatsApp. O DeskChat continua tentando; suas mensagens aguardam na fila de envio.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="154"/>
        <source>Server unavailable — next attempt in %1 s</source>
        <translation>Servidor indisponível — nova tentativa em %1 s</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="155"/>
        <source>The server answers but refuses service for now. DeskChat keeps trying.</source>
        <translation>O servidor responde, mas recusa o atendimento por enquanto. O DeskChat continua tentando.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="158"/>
        <source>Sign-in needed</source>
        <translation>Entrada necessária</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="159"/>
        <source>The server refused the sign-in. Connect again to sign in.</source>
        <translation>O servidor recusou a entrada. Conecte de novo para entrar.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="162"/>
        <source>Disconnected by the phone</source>
        <translation>Desconectado pelo celular</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="163"/>
        <source>This computer was unlinked on the phone. Connect again to scan a new QR code.</source>
        <translation>Este computador foi desconectado pelo celular. Conecte de novo para ler um novo QR Code.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="166"/>
        <source>Opened on another device</source>
        <translation>Aberto em outro dispositivo</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="167"/>
        <source>This WhatsApp session was opened elsewhere. Connect again to use it here.</source>
        <translation>Esta sessão do WhatsApp foi aberta em outro lugar. Conecte de novo para usá-la aqui.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="170"/>
        <source>Temporarily blocked until %1</source>
        <translation>Bloqueio temporário até %1</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="171"/>
        <source>WhatsApp blocked this number for a while (too many messages). Wait, then connect again.</source>
        <translation>O WhatsApp bloqueou este número por um tempo (mensagens demais). Aguarde e conecte de novo.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="174"/>
        <source>DeskChat update needed</source>
        <translation>Atualização do DeskChat necessária</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="175"/>
        <source>WhatsApp no longer accepts this version. Ask IT to update DeskChat.</source>
        <translation>O WhatsApp não aceita mais esta versão. Peça à TI para atualizar o DeskChat.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="185"/>
        <source>The QR code expired. Generate a new one when the phone is at hand.</source>
        <translation>O QR Code expirou. Gere um novo quando estiver com o celular em mãos.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="234"/>
        <source>This code changes in %1 s</source>
        <translation>Este código muda em %1 s</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="236"/>
        <source>Waiting for the next code…</source>
        <translation>Aguardando o próximo código…</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="256"/>
        <source>This is not a phone number: %1</source>
        <translation>Isto não é um número de telefone: %1</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="260"/>
        <source>On the phone: Linked devices › Link a device › Link with phone number, and type this code.</source>
        <translation>No celular: Dispositivos conectados › Conectar um dispositivo › Conectar com número de telefone, e digite este código.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="273"/>
        <source>Disconnect this number from DeskChat? WhatsApp unlinks this computer and its session is deleted; the conversations already received stay here.</source>
        <translation>Desconectar este número do DeskChat? O WhatsApp desvincula este computador e a sessão é apagada; as conversas já recebidas continuam aqui.</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="286"/>
        <source>Number added</source>
        <translation>Número adicionado</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="287"/>
        <source>QR code shown</source>
        <translation>QR Code exibido</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="288"/>
        <source>Pairing code shown</source>
        <translation>Código de pareamento exibido</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="289"/>
        <source>Pairing</source>
        <translation>Pareamento</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="290"/>
        <source>Connection error</source>
        <translation>Erro de conexão</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="291"/>
        <source>History received</source>
        <translation>Histórico recebido</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="292"/>
        <source>Catching up on messages</source>
        <translation>Recebendo mensagens pendentes</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="293"/>
        <source>Caught up</source>
        <translation>Mensagens pendentes recebidas</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="294"/>
        <source>A received message could not be read</source>
        <translation>Uma mensagem recebida não pôde ser lida</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="295"/>
        <source>Reading the unreadable messages again</source>
        <translation>Lendo de novo as mensagens que não puderam ser lidas</translation>
    </message>
    <message numerus="yes">
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="305"/>
        <source>%n message(s) could not be read</source>
        <translation>
            <numerusform>%n mensagem não pôde ser lida</numerusform>
            <numerusform>%n mensagens não puderam ser lidas</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="296"/>
        <source>Logout on WhatsApp failed</source>
        <translation>Falha ao desconectar no WhatsApp</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="297"/>
        <source>Logout on WhatsApp skipped (offline)</source>
        <translation>Desconexão no WhatsApp não enviada (sem internet)</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="298"/>
        <source>Session file removed on next start</source>
        <translation>Arquivo de sessão será removido no próximo início</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/connections/whatsapp_card.py" line="299"/>
        <source>Warning: started without NEONIZE_BOT_TAG=off</source>
        <translation>Aviso: iniciado sem NEONIZE_BOT_TAG=off</translation>
    </message>
</context>
<context>
    <name>_FieldChoice</name>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="40"/>
        <source>Mine: %1</source>
        <translation>O meu: %1</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="41"/>
        <source>In the CRM: %1</source>
        <translation>No CRM: %1</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="48"/>
        <source>Keep mine</source>
        <translation>Manter o meu</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="48"/>
        <source>Use the CRM&apos;s</source>
        <translation>Usar o do CRM</translation>
    </message>
    <message>
        <location filename="../../deskchat/ui/crm_conflict.py" line="48"/>
        <source>Edit</source>
        <translation>Editar</translation>
    </message>
</context>
</TS>
