"""Allowance request and response shapes (contract §3.4(2/3)), plus the time multiplier."""

from decimal import Decimal

from rest_framework import serializers


class AllowanceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    exam_id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    extra_time_mins = serializers.IntegerField()
    time_multiplier = serializers.DecimalField(max_digits=4, decimal_places=2)
    username = serializers.CharField(source="user.username")
    exam_name = serializers.CharField(source="exam.exam_name")
    email = serializers.CharField(source="user.email")


class AllowanceRequestItemSerializer(serializers.Serializer):
    exam_id = serializers.IntegerField()
    extra_time_mins = serializers.IntegerField(min_value=0, max_value=100000)
    time_multiplier = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=Decimal("1.00"), max_value=Decimal("10.00"), default=Decimal("1.00")
    )
    username = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    email = serializers.EmailField(required=False, allow_blank=True, allow_null=True)

    def validate(self, attrs):
        if not attrs.get("username") and not attrs.get("email"):
            raise serializers.ValidationError({"username": ["username or email must be provided"]})
        return attrs
