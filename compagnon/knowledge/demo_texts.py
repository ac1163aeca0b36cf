"""The demo help centre's texts, in French, Dutch and English: real, short guides to Compagnon.

Written as the cooperative's own help pages (not translated through gettext: each entity's editors
write their articles in the languages of their members)."""

TOPICS = [
    {"key": "documents", "name_fr": "Devis et factures", "name_nl": "Offertes en facturen",
     "name_en": "Quotes and invoices",
     "description_fr": "Préparer, envoyer et suivre ses devis et factures.",
     "description_nl": "Offertes en facturen opmaken, versturen en opvolgen.",
     "description_en": "Preparing, sending and following up quotes and invoices."},
    {"key": "expenses", "name_fr": "Notes de frais", "name_nl": "Onkostennota's", "name_en": "Expense claims",
     "description_fr": "Se faire rembourser ce que l'on a payé pour son activité.",
     "description_nl": "Terugbetaald worden wat je voor je activiteit betaalde.",
     "description_en": "Getting back what you paid for your activity."},
    {"key": "money", "name_fr": "Budget et salaire", "name_nl": "Budget en loon", "name_en": "Budget and salary",
     "description_fr": "Lire son budget, comprendre la contribution, demander son salaire.",
     "description_nl": "Je budget lezen, de bijdrage begrijpen, je loon aanvragen.",
     "description_en": "Reading your budget, the contribution, asking for your salary."},
]

ARTICLES = [
    {"key": "quote", "kind": "tutorial", "topic": "documents", "pages": ["sales-document", "sales-new"],
     "author": "member",
     "fr": ("Envoyer un devis depuis son téléphone",
            "Un devis prêt et envoyé en cinq gestes, signé en ligne par le client.",
            """Un devis se prépare en quelques minutes, même sur un chantier.

## Préparer le devis

1. Ouvrez **Devis et factures** dans le menu, puis **Nouveau**.
2. Choisissez le client. S'il n'existe pas encore, créez-le : son nom et son adresse e-mail suffisent
   pour un particulier ; pour une entreprise, ajoutez son numéro SIREN ou BCE.
3. Ajoutez les lignes : description, quantité, unité et prix hors TVA. Le taux de TVA proposé est
   celui de votre métier ; changez-le si besoin.
4. Le brouillon est enregistré à chaque modification : vous pouvez fermer l'application et reprendre
   plus tard.

## L'envoyer

Touchez **Envoyer**. Le client reçoit un e-mail avec le devis en PDF et un lien vers son espace. Il
peut l'accepter en ligne : il tape son nom, coche les conditions et confirme avec un code reçu par
e-mail. Vous êtes prévenu dès qu'il l'ouvre et dès qu'il l'accepte.

> Un devis accepté se transforme en facture d'un geste : **Facturer** sur la page du devis.

Voir aussi la [facture d'acompte](glossary:deposit_invoice) si vous demandez une avance."""),
     "nl": ("Een offerte versturen vanaf je telefoon",
            "Een offerte klaar en verstuurd in vijf stappen, online ondertekend door de klant.",
            """Een offerte maak je in enkele minuten, ook op de werf.

## De offerte opmaken

1. Open **Offertes en facturen** in het menu en tik op **Nieuw**.
2. Kies de klant. Bestaat die nog niet, maak hem dan aan: naam en e-mailadres volstaan voor een
   particulier; voor een onderneming voeg je het ondernemingsnummer toe.
3. Voeg de regels toe: omschrijving, hoeveelheid, eenheid en prijs zonder btw. Het voorgestelde
   btw-tarief is dat van je vak; pas het aan als het moet.
4. Het concept wordt bij elke wijziging bewaard: je kunt de app sluiten en later verdergaan.

## Versturen

Tik op **Versturen**. De klant krijgt een e-mail met de offerte als pdf en een link naar zijn
ruimte. Hij kan ze online aanvaarden: hij typt zijn naam, vinkt de voorwaarden aan en bevestigt met
een code die hij per e-mail krijgt. Je wordt verwittigd zodra hij ze opent en zodra hij ze aanvaardt.

> Een aanvaarde offerte wordt met één tik een factuur: **Factureren** op de pagina van de offerte.

Zie ook de [voorschotfactuur](glossary:deposit_invoice) als je een voorschot vraagt."""),
     "en": ("Send a quote from your phone",
            "A quote ready and sent in five taps, signed online by the client.",
            """A quote takes a few minutes, even on site.

## Prepare the quote

1. Open **Quotes and invoices** in the menu, then **New**.
2. Choose the client. If they are not there yet, create them: a name and an email address are enough
   for an individual; for a business, add its company number.
3. Add the lines: description, quantity, unit and price excluding VAT. The VAT rate offered is your
   trade's; change it if needed.
4. The draft is saved at every change: you can close the app and carry on later.

## Send it

Tap **Send**. The client receives an email with the quote as a PDF and a link to their space. They
can accept it online: they type their name, tick the terms and confirm with a code sent by email.
You are told as soon as they open it and as soon as they accept it.

> An accepted quote becomes an invoice in one tap: **Invoice** on the quote's page.

See also the [deposit invoice](glossary:deposit_invoice) if you ask for an advance.""")},
    {"key": "expense", "kind": "tutorial", "topic": "expenses", "pages": ["expenses-new", "expenses-list"],
     "author": "admin",
     "fr": ("Déclarer une note de frais",
            "Photographiez le ticket, vérifiez les montants lus, envoyez : le remboursement suit.",
            """Vous avez payé un achat pour votre activité ? Faites-vous rembourser sans papier.

1. Ouvrez **Notes de frais**, puis **Pour** l'activité concernée.
2. Touchez **Justificatif** : l'appareil photo s'ouvre. Photographiez le ticket bien à plat, ou
   choisissez un PDF.
3. Compagnon lit le ticket et **propose** la date, le fournisseur, le total et la TVA. Vérifiez : rien
   n'est enregistré sans vous.
4. Choisissez la catégorie (fournitures, carburant, repas…). La TVA n'est récupérée que si la
   catégorie le permet.
5. Touchez **Envoyer**.

Les petites notes des membres expérimentés sont acceptées tout de suite ; les autres sont vérifiées
par votre conseiller·e ou la comptabilité. Un refus est toujours expliqué : corrigez et renvoyez.

Pour être remboursé, donnez une fois votre IBAN dans **Mon compte de remboursement**. Le virement part
avec le prochain lot de la comptabilité.

Sans réseau ? La note attend dans votre téléphone et part toute seule au retour du réseau."""),
     "nl": ("Een onkostennota indienen",
            "Fotografeer het bonnetje, controleer de gelezen bedragen, verstuur: de terugbetaling volgt.",
            """Betaalde je een aankoop voor je activiteit? Laat het je terugbetalen, zonder papier.

1. Open **Onkostennota's** en kies **Voor** de betrokken activiteit.
2. Tik op **Bewijsstuk**: de camera gaat open. Fotografeer het bonnetje plat, of kies een pdf.
3. Compagnon leest het bonnetje en **stelt** de datum, de leverancier, het totaal en de btw **voor**.
   Controleer: niets wordt bewaard zonder jou.
4. Kies de categorie (benodigdheden, brandstof, maaltijden…). De btw wordt enkel gerecupereerd als de
   categorie dat toelaat.
5. Tik op **Versturen**.

Kleine nota's van ervaren leden worden meteen aanvaard; de andere worden nagekeken door je adviseur
of de boekhouding. Een weigering wordt altijd uitgelegd: verbeter en verstuur opnieuw.

Geef één keer je IBAN op in **Mijn terugbetalingsrekening**. De overschrijving vertrekt met de
volgende reeks van de boekhouding.

Geen netwerk? De nota wacht in je telefoon en vertrekt vanzelf zodra er weer netwerk is."""),
     "en": ("Claim an expense",
            "Take a photo of the receipt, check the amounts read, send: the refund follows.",
            """You paid for something for your activity? Get it back, without paper.

1. Open **Expenses**, then **For** the activity concerned.
2. Tap **Receipt**: the camera opens. Take the receipt flat, or choose a PDF.
3. Compagnon reads the receipt and **suggests** the date, the supplier, the total and the VAT. Check
   them: nothing is saved without you.
4. Choose the category (supplies, fuel, meals…). VAT is recovered only when the category allows it.
5. Tap **Send**.

Small claims of experienced members are approved at once; the others are checked by your advisor or
the accountants. A refusal always says why: correct it and send it again.

To be paid back, give your IBAN once in **My refund account**. The transfer leaves with the
accountants' next batch.

No network? The claim waits in your phone and leaves by itself when the network is back.""")},
    {"key": "budget", "kind": "article", "topic": "money", "pages": ["budget", "payroll-request"],
     "author": "admin",
     "fr": ("Lire le budget de son activité",
            "Ce que l'activité a encaissé, ce qu'elle a dépensé, et ce que vous pouvez vous verser.",
            """Le budget se lit sur la page de l'activité, rubrique **Budget**. Il est calculé à partir de la
comptabilité, à chaque affichage : il est toujours à jour.

## Les lignes du budget

- **Chiffre d'affaires encaissé** : les factures que vos clients ont **payées**, hors TVA. Une facture
  non payée n'y compte pas encore.
- **Contribution coopérative** : la part de l'encaissé qui finance ce que nous partageons
  (comptabilité, assurances, accompagnement). Elle est prélevée quand l'argent arrive, jamais avant.
  Voir [contribution](glossary:contribution).
- **Dépenses** : achats, notes de frais, factures fournisseurs.
- **Salaires** : ce qui vous a déjà été versé, charges comprises.
- **Disponible pour me payer** : ce qui reste, moins la réserve de la coopérative.

## Et ensuite ?

Le montant disponible est le plafond d'une **demande de salaire** : la simulation montre le net et le
coût total avant d'envoyer. Une question sur un chiffre ? Touchez-le : vous voyez les écritures qui le
composent."""),
     "nl": ("Het budget van je activiteit lezen",
            "Wat je activiteit ontving, wat ze uitgaf, en wat je jezelf kunt uitbetalen.",
            """Je vindt het budget op de pagina van de activiteit, onder **Budget**. Het wordt bij elke weergave uit
de boekhouding berekend: het is altijd actueel.

## De regels van het budget

- **Ontvangen omzet**: de facturen die je klanten **betaald** hebben, zonder btw. Een onbetaalde
  factuur telt nog niet mee.
- **Bijdrage aan de coöperatie**: het deel van de ontvangsten dat betaalt wat we delen (boekhouding,
  verzekeringen, begeleiding). Ze wordt afgehouden wanneer het geld binnenkomt, nooit vroeger. Zie
  [bijdrage](glossary:contribution).
- **Uitgaven**: aankopen, onkostennota's, leveranciersfacturen.
- **Lonen**: wat je al uitbetaald werd, lasten inbegrepen.
- **Beschikbaar om mezelf te betalen**: wat overblijft, min de reserve van de coöperatie.

## En dan?

Het beschikbare bedrag is het plafond van een **loonaanvraag**: de simulatie toont het netto en de
totale kost vóór je ze verstuurt. Een vraag over een bedrag? Tik erop: je ziet de boekingen erachter."""),
     "en": ("Read your activity's budget",
            "What your activity cashed, what it spent, and what you can pay yourself.",
            """The budget is on the activity's page, under **Budget**. It is computed from the books each time you
open it: it is always up to date.

## The lines of the budget

- **Cashed revenue**: the invoices your clients have **paid**, excluding VAT. An unpaid invoice does
  not count yet.
- **Cooperative contribution**: the share of what was cashed that pays for what we share (accounting,
  insurance, support). It is charged when the money arrives, never before. See
  [contribution](glossary:contribution).
- **Costs**: purchases, expense claims, supplier invoices.
- **Salaries**: what you were already paid, employer costs included.
- **Available to pay myself**: what is left, less the cooperative's reserve.

## What next?

The available amount is the ceiling of a **salary request**: the simulation shows the net and the
total cost before you send it. A question about a figure? Tap it: you see the entries behind it.""")},
]

FAQ = [
    {"topic": "documents", "position": 1,
     "question_fr": "Puis-je modifier une facture déjà envoyée ?",
     "answer_fr": "Non : une facture émise ne se modifie plus. Faites un **avoir** qui l'annule en tout ou "
                  "partie, puis une nouvelle facture. Voir [avoir](glossary:credit_note).",
     "question_nl": "Kan ik een verstuurde factuur nog wijzigen?",
     "answer_nl": "Nee: een uitgereikte factuur wordt niet meer gewijzigd. Maak een **creditnota** die ze "
                  "geheel of gedeeltelijk annuleert, en daarna een nieuwe factuur. Zie "
                  "[creditnota](glossary:credit_note).",
     "question_en": "Can I change an invoice I already sent?",
     "answer_en": "No: an issued invoice is never changed. Make a **credit note** that cancels all or part "
                  "of it, then a new invoice. See [credit note](glossary:credit_note)."},
    {"topic": "documents", "position": 2,
     "question_fr": "Mon client n'a pas payé : que se passe-t-il ?",
     "answer_fr": "Compagnon prépare les relances selon le plan de votre coopérative et vous prévient "
                  "avant chacune : vous pouvez la suspendre ou l'approuver. La mise en demeure attend "
                  "toujours votre accord.",
     "question_nl": "Mijn klant betaalde niet: wat gebeurt er?",
     "answer_nl": "Compagnon bereidt de herinneringen voor volgens het plan van je coöperatie en verwittigt "
                  "je vóór elke herinnering: je kunt ze uitstellen of goedkeuren. De ingebrekestelling "
                  "wacht altijd op jouw akkoord.",
     "question_en": "My client has not paid: what happens?",
     "answer_en": "Compagnon prepares the reminders following your cooperative's plan and tells you before "
                  "each one: you can hold it or approve it. The formal notice always waits for your OK."},
    {"topic": "expenses", "position": 1,
     "question_fr": "Mon ticket est illisible, que faire ?",
     "answer_fr": "Tapez vous-même la date, le fournisseur et le montant : la photo reste jointe comme "
                  "justificatif. Un ticket perdu ? Demandez un duplicata au commerçant.",
     "question_nl": "Mijn bonnetje is onleesbaar, wat nu?",
     "answer_nl": "Typ zelf de datum, de leverancier en het bedrag: de foto blijft als bewijsstuk gekoppeld. "
                  "Bonnetje kwijt? Vraag een duplicaat aan de winkel.",
     "question_en": "My receipt cannot be read, what now?",
     "answer_en": "Type the date, the supplier and the amount yourself: the photo stays attached as proof. "
                  "Lost the receipt? Ask the shop for a copy."},
    {"topic": "money", "position": 1,
     "question_fr": "Pourquoi ma contribution n'apparaît-elle pas sur une facture non payée ?",
     "answer_fr": "Parce qu'elle est prélevée sur l'argent **encaissé** : tant que le client n'a pas payé, "
                  "la coopérative ne prend rien.",
     "question_nl": "Waarom zie ik geen bijdrage op een onbetaalde factuur?",
     "answer_nl": "Omdat ze wordt afgehouden van het **ontvangen** geld: zolang de klant niet betaalde, "
                  "neemt de coöperatie niets.",
     "question_en": "Why is there no contribution on an unpaid invoice?",
     "answer_en": "Because it is charged on money **cashed**: as long as the client has not paid, the "
                  "cooperative takes nothing."},
    {"topic": None, "position": 1,
     "question_fr": "Qui contacter quand je suis bloqué·e ?",
     "answer_fr": "Votre conseiller·e d'abord. Pour une question juridique, comptable ou de recouvrement, "
                  "le **kit du nouveau membre** donne chaque service et le moyen de lui écrire.",
     "question_nl": "Wie contacteer ik als ik vastzit?",
     "answer_nl": "Eerst je adviseur. Voor een juridische, boekhoudkundige of invorderingsvraag toont de "
                  "**startkit** elke dienst en hoe je hem bereikt.",
     "question_en": "Who do I contact when I am stuck?",
     "answer_en": "Your advisor first. For a legal, accounting or collections question, the **new member's "
                  "kit** lists each service and how to write to it."},
]
