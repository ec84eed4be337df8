"""The privacy notice shipped with the code, in French, Dutch and English.

Organisers replace it from the settings page; until then these texts are shown, with the
cluster's name and address filled in. Format: a line starting with "# " is a heading, lines
starting with "- " form a list, blank lines separate paragraphs.
"""

DEFAULT_TEXTS = {
    "fr": """\
# Qui traite vos données ?
{cluster} (le « cluster ») est responsable du traitement des données personnelles recueillies \
par cette application. Pour toute question sur vos données : {email}.

# Quelles données ?
- Vos nom, prénom, adresse e-mail, organisation et langue, ainsi que les réponses que vous \
donnez aux questions d’un formulaire d’inscription.
- Pour les rendez-vous B2B : votre profil (secteurs, langues, offres et besoins, présentation), \
vos demandes de rendez-vous, votre agenda et votre avis sur les rendez-vous.
- Votre présence aux événements et les messages que nous vous envoyons.

# Pourquoi et sur quelle base légale ?
- Organiser les événements auxquels vous vous inscrivez, vous envoyer la confirmation, le lien \
personnel, les changements et les annulations : exécution de la demande que vous faites en \
vous inscrivant (article 6.1.b du RGPD).
- Organiser les rendez-vous B2B et montrer votre profil aux autres participants de la même \
session : votre consentement, donné en rejoignant la session (article 6.1.a).
- Vous envoyer des rappels, le résumé quotidien des rendez-vous B2B et les nouvelles du cluster : \
notre intérêt légitime à faire vivre le réseau (article 6.1.f) ; vous pouvez les refuser à tout \
moment, d’un clic, depuis chacun de ces e-mails.
- Établir des statistiques anonymes de participation et justifier l’usage des subsides publics : \
notre intérêt légitime et nos obligations envers les pouvoirs subsidiants (article 6.1.c et f).

# Qui y a accès ?
L’équipe du cluster. Les autres participants d’une session B2B voient votre nom, votre \
organisation et votre profil. Nos sous-traitants (hébergement, envoi des e-mails) traitent les \
données pour notre compte, dans l’Union européenne. Nous ne vendons ni ne louons vos données.

# Combien de temps ?
Les données des personnes qui ne sont pas membres du cluster sont supprimées après une période \
fixée par le cluster après la fin de l’événement ; seuls des chiffres anonymes sont conservés. \
Les données des membres sont conservées tant que leur organisation est membre. Le contenu des \
e-mails envoyés est effacé après un court délai.

# Vos droits
Vous pouvez demander l’accès à vos données, leur rectification, leur effacement, leur \
portabilité, la limitation du traitement, et vous opposer au traitement fondé sur notre \
intérêt légitime. Vous pouvez retirer votre consentement à tout moment, sans effet sur ce qui \
a été fait auparavant. Écrivez-nous à {email} ; nous répondons dans un délai d’un mois.

# Réclamation
Si vous estimez que vos données ne sont pas traitées correctement, vous pouvez introduire une \
réclamation auprès de l’Autorité de protection des données, rue de la Presse 35, 1000 Bruxelles, \
contact@apd-gba.be, www.autoriteprotectiondonnees.be.
""",
    "nl": """\
# Wie verwerkt uw gegevens?
{cluster} (de "cluster") is verantwoordelijk voor de verwerking van de persoonsgegevens die deze \
toepassing verzamelt. Voor vragen over uw gegevens: {email}.

# Welke gegevens?
- Uw naam, voornaam, e-mailadres, organisatie en taal, en uw antwoorden op de vragen van een \
inschrijvingsformulier.
- Voor B2B-afspraken: uw profiel (sectoren, talen, aanbod en vraag, voorstelling), uw \
afspraakverzoeken, uw agenda en uw mening over de afspraken.
- Uw aanwezigheid op evenementen en de berichten die wij u sturen.

# Waarom en op welke rechtsgrond?
- De evenementen organiseren waarvoor u zich inschrijft, u de bevestiging, uw persoonlijke link, \
wijzigingen en annuleringen sturen: uitvoering van het verzoek dat u doet door u in te schrijven \
(artikel 6.1.b AVG).
- B2B-afspraken organiseren en uw profiel tonen aan de andere deelnemers van dezelfde sessie: uw \
toestemming, gegeven wanneer u de sessie vervoegt (artikel 6.1.a).
- U herinneringen, het dagelijkse overzicht van B2B-afspraken en nieuws van de cluster sturen: \
ons gerechtvaardigd belang om het netwerk te laten leven (artikel 6.1.f); u kunt ze op elk \
moment met één klik weigeren vanuit elk van die e-mails.
- Anonieme deelnamestatistieken opstellen en het gebruik van overheidssubsidies verantwoorden: \
ons gerechtvaardigd belang en onze verplichtingen tegenover de subsidiërende overheden \
(artikel 6.1.c en f).

# Wie heeft toegang?
Het team van de cluster. De andere deelnemers van een B2B-sessie zien uw naam, uw organisatie \
en uw profiel. Onze verwerkers (hosting, verzending van e-mails) verwerken de gegevens in onze \
opdracht, binnen de Europese Unie. Wij verkopen of verhuren uw gegevens niet.

# Hoe lang?
De gegevens van personen die geen lid zijn van de cluster worden gewist na een door de cluster \
bepaalde termijn na het einde van het evenement; alleen anonieme cijfers blijven bewaard. De \
gegevens van leden worden bewaard zolang hun organisatie lid is. De inhoud van verzonden \
e-mails wordt na korte tijd gewist.

# Uw rechten
U kunt inzage, verbetering, wissing en overdracht van uw gegevens vragen, de beperking van de \
verwerking, en u verzetten tegen de verwerking op basis van ons gerechtvaardigd belang. U kunt \
uw toestemming op elk moment intrekken, zonder gevolg voor wat eerder gebeurde. Schrijf ons op \
{email}; wij antwoorden binnen een maand.

# Klacht
Als u vindt dat uw gegevens niet correct worden verwerkt, kunt u een klacht indienen bij de \
Gegevensbeschermingsautoriteit, Drukpersstraat 35, 1000 Brussel, contact@apd-gba.be, \
www.gegevensbeschermingsautoriteit.be.
""",
    "en": """\
# Who processes your data?
{cluster} (the "cluster") is the controller of the personal data collected by this \
application. For any question about your data: {email}.

# Which data?
- Your first and last name, e-mail address, organisation and language, and your answers to the \
questions of a registration form.
- For B2B meetings: your profile (sectors, languages, offers and needs, introduction), your \
meeting requests, your schedule and your feedback on the meetings.
- Your attendance at events and the messages we send you.

# Why, and on which legal basis?
- Organising the events you register for and sending you the confirmation, your personal link, \
changes and cancellations: performing the request you make by registering (GDPR article 6.1.b).
- Organising B2B meetings and showing your profile to the other participants of the same \
session: your consent, given when you join the session (article 6.1.a).
- Sending you reminders, the daily summary of B2B meetings and the cluster's news: our \
legitimate interest in keeping the network alive (article 6.1.f); you can refuse them at any \
time, in one click, from each of these e-mails.
- Compiling anonymous attendance figures and accounting for public grants: our legitimate \
interest and our obligations towards the funding authorities (article 6.1.c and f).

# Who can see them?
The cluster's team. The other participants of a B2B session see your name, your organisation \
and your profile. Our processors (hosting, e-mail delivery) handle the data on our behalf, \
within the European Union. We neither sell nor rent your data.

# For how long?
The data of people who are not members of the cluster are deleted once a period set by the \
cluster has passed since the end of the event; only anonymous figures are kept. Members' data \
are kept as long as their organisation is a member. The content of sent e-mails is erased \
after a short time.

# Your rights
You may ask for access to your data, their correction, erasure or portability, the restriction \
of their processing, and object to processing based on our legitimate interest. You may \
withdraw your consent at any time, without affecting what was done before. Write to {email}; \
we answer within one month.

# Complaints
If you think your data are not handled properly, you may lodge a complaint with the Belgian \
Data Protection Authority, Rue de la Presse 35 / Drukpersstraat 35, 1000 Brussels, \
contact@apd-gba.be, www.dataprotectionauthority.be.
""",
}
