"""Shapes of the monitoring REST answers (OpenAPI only: the views build plain dicts)."""

from rest_framework import serializers


class SessionRequestSerializer(serializers.Serializer):
    attempt_id = serializers.IntegerField()


class SessionSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    ws_path = serializers.CharField()


class TicketSerializer(serializers.Serializer):
    ticket = serializers.CharField()
    expires_in = serializers.IntegerField()
    ws_path = serializers.CharField()


class EventSerializer(serializers.Serializer):
    v = serializers.IntegerField()
    type = serializers.CharField()
    sid = serializers.UUIDField()
    seq = serializers.IntegerField()
    ts = serializers.IntegerField()
    data = serializers.DictField()


class EventPageSerializer(serializers.Serializer):
    events = EventSerializer(many=True)
    last_seq = serializers.IntegerField()
    has_more = serializers.BooleanField()


class SnapshotSerializer(serializers.Serializer):
    v = serializers.IntegerField()
    type = serializers.CharField()
    seq = serializers.IntegerField()
    data = serializers.DictField()
