"""The test SMTP server does what the fault tests rely on: each mode, seen from smtplib."""

import smtplib
import socket
from email.message import EmailMessage

import pytest


def _message(to="a@example.com", message_id="<1@test>"):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "x@example.com", to, "Hello"
    message["Message-ID"] = message_id
    message.set_content("Hi")
    return message


def _send(server, message, timeout=2):
    with smtplib.SMTP(server.host, server.port, timeout=timeout) as client:
        client.send_message(message)


def test_it_counts_each_message_by_message_id_and_recipient(smtp_server):
    _send(smtp_server, _message())
    _send(smtp_server, _message())
    _send(smtp_server, _message(to="b@example.com", message_id="<2@test>"))
    assert smtp_server.by_message_id == {"<1@test>": 2, "<2@test>": 1}
    assert smtp_server.by_recipient == {"a@example.com": 2, "b@example.com": 1}
    assert smtp_server.duplicates() == 1


def test_refuse_answers_every_transaction_with_a_temporary_failure(smtp_server):
    smtp_server.refuse()
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        _send(smtp_server, _message())
    assert refused.value.smtp_code == 451
    assert smtp_server.count == 0 and smtp_server.transactions == 1


def test_refuse_with_421_does_not_even_greet(smtp_server):
    smtp_server.refuse(code=421)
    with pytest.raises(smtplib.SMTPConnectError):
        _send(smtp_server, _message())


def test_reject_refuses_one_recipient_and_accepts_the_others(smtp_server):
    smtp_server.reject("bad@example.com")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        _send(smtp_server, _message(to="bad@example.com"))
    assert refused.value.recipients["bad@example.com"][0] == 550
    _send(smtp_server, _message(to="good@example.com", message_id="<2@test>"))
    assert smtp_server.by_recipient == {"good@example.com": 1}


def test_hang_accepts_the_connection_and_never_answers(smtp_server):
    smtp_server.hang()
    with pytest.raises((socket.timeout, smtplib.SMTPServerDisconnected)):
        _send(smtp_server, _message(), timeout=0.5)
    smtp_server.accept()
    _send(smtp_server, _message())
    assert smtp_server.count == 1


def test_hang_also_holds_a_connection_opened_before(smtp_server):
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=0.5) as client:
        smtp_server.hang()
        with pytest.raises((socket.timeout, smtplib.SMTPServerDisconnected)):
            client.send_message(_message())
    smtp_server.accept()
    assert smtp_server.count == 0
