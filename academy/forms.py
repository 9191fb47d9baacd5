from django import forms


class OfficerSignupForm(forms.Form):
    def signup(self, request, user):
        pass
