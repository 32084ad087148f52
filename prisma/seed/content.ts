// Editorial content for the demo data set: the peptide catalog, stacks, goals, articles,
// FAQs, help pages and research papers (payload schema). Plain data, no randomness.

export interface PeptideSeed {
  slug: string;
  name: string;
  summary: string;
  description: string;
  mechanism: string;
  benefits: string[];
  typicalDose: string;
  halfLife: string;
  /** Default dosing used when the seed puts this peptide into a protocol. */
  dosing: { amount: number; unit: 'mcg' | 'mg'; frequency: string; route: string; timing?: string };
  priceCents: number;
  draft?: boolean;
}

export const PEPTIDES: PeptideSeed[] = [
  {
    slug: 'bpc-157',
    name: 'BPC-157',
    summary: 'A 15-amino-acid fragment of a gastric protein studied for tendon, ligament and gut repair.',
    description:
      'Body Protection Compound-157 is a synthetic pentadecapeptide derived from a protein found in human gastric juice. Animal studies report faster healing of tendon, muscle and gastrointestinal injuries; controlled human trials are limited.',
    mechanism: 'Appears to upregulate growth-factor signalling (VEGFR2, FAK-paxillin) and nitric-oxide pathways that support angiogenesis and tissue repair.',
    benefits: ['Soft-tissue recovery', 'Gut lining support', 'Joint comfort'],
    typicalDose: '250-500 mcg once or twice daily',
    halfLife: 'Under 30 minutes in plasma (animal data)',
    dosing: { amount: 250, unit: 'mcg', frequency: 'daily', route: 'subcutaneous', timing: 'morning' },
    priceCents: 8900,
  },
  {
    slug: 'tb-500',
    name: 'TB-500',
    summary: 'A synthetic fragment of thymosin beta-4 researched for recovery and flexibility.',
    description:
      'TB-500 is a synthetic peptide modelled on the active region of thymosin beta-4, a protein present in most cells. It is studied for wound healing, muscle repair and reduced inflammation, mostly in animal models.',
    mechanism: 'Binds G-actin and promotes cell migration, angiogenesis and extracellular-matrix remodelling at injury sites.',
    benefits: ['Muscle and tendon recovery', 'Flexibility', 'Reduced post-training soreness'],
    typicalDose: '2-2.5 mg twice weekly for 4-6 weeks, then weekly',
    halfLife: 'Not well characterised in humans',
    dosing: { amount: 2, unit: 'mg', frequency: '2x weekly', route: 'subcutaneous' },
    priceCents: 11900,
  },
  {
    slug: 'cjc-1295',
    name: 'CJC-1295',
    summary: 'A long-acting GHRH analogue that raises growth hormone and IGF-1.',
    description:
      'CJC-1295 is a modified growth-hormone-releasing hormone analogue. In healthy adults a single injection raised GH and IGF-1 for days. It is often paired with a ghrelin mimetic such as ipamorelin.',
    mechanism: 'Activates pituitary GHRH receptors, amplifying pulsatile growth-hormone release.',
    benefits: ['Higher IGF-1', 'Body composition', 'Sleep quality'],
    typicalDose: '100 mcg 1-2x daily (no DAC) or 1-2 mg weekly (with DAC)',
    halfLife: '6-8 days (with DAC); about 30 minutes without',
    dosing: { amount: 100, unit: 'mcg', frequency: '5x weekly', route: 'subcutaneous', timing: 'bedtime' },
    priceCents: 9900,
  },
  {
    slug: 'ipamorelin',
    name: 'Ipamorelin',
    summary: 'A selective growth-hormone secretagogue with little effect on cortisol or prolactin.',
    description:
      'Ipamorelin is a pentapeptide ghrelin-receptor agonist. It stimulates growth-hormone release without the appetite, cortisol and prolactin effects of older secretagogues.',
    mechanism: 'Agonist of the ghrelin receptor (GHS-R1a) in the pituitary and hypothalamus.',
    benefits: ['Growth-hormone pulse support', 'Recovery', 'Sleep depth'],
    typicalDose: '100-300 mcg 1-3x daily',
    halfLife: 'About 2 hours',
    dosing: { amount: 200, unit: 'mcg', frequency: '5x weekly', route: 'subcutaneous', timing: 'bedtime' },
    priceCents: 7900,
  },
  {
    slug: 'sermorelin',
    name: 'Sermorelin',
    summary: 'The first 29 amino acids of GHRH, once FDA-approved for growth-hormone deficiency in children.',
    description:
      'Sermorelin is the shortest fully functional fragment of growth-hormone-releasing hormone. It preserves the pituitary feedback loop, so growth-hormone release stays pulsatile.',
    mechanism: 'GHRH receptor agonist that stimulates endogenous growth-hormone secretion.',
    benefits: ['Sleep quality', 'Lean mass', 'Recovery'],
    typicalDose: '200-300 mcg nightly',
    halfLife: '10-20 minutes',
    dosing: { amount: 300, unit: 'mcg', frequency: 'nightly', route: 'subcutaneous', timing: 'bedtime' },
    priceCents: 12900,
  },
  {
    slug: 'tesamorelin',
    name: 'Tesamorelin',
    summary: 'An FDA-approved GHRH analogue that reduces visceral abdominal fat.',
    description:
      'Tesamorelin is a stabilised GHRH analogue approved to reduce excess abdominal fat in HIV-associated lipodystrophy. Trials showed meaningful reductions in visceral adipose tissue.',
    mechanism: 'Binds pituitary GHRH receptors, increasing growth hormone and IGF-1, which drives lipolysis of visceral fat.',
    benefits: ['Visceral fat reduction', 'Liver fat reduction', 'Body composition'],
    typicalDose: '1-2 mg daily',
    halfLife: '26-38 minutes',
    dosing: { amount: 1, unit: 'mg', frequency: 'daily', route: 'subcutaneous', timing: 'bedtime' },
    priceCents: 24900,
  },
  {
    slug: 'ghk-cu',
    name: 'GHK-Cu',
    summary: 'A copper-binding tripeptide studied for skin, hair and wound healing.',
    description:
      'GHK-Cu is a naturally occurring copper complex of the tripeptide glycyl-L-histidyl-L-lysine. Plasma levels decline with age; topical and injectable forms are used for skin remodelling.',
    mechanism: 'Delivers copper to tissues and modulates expression of genes involved in collagen synthesis, antioxidant defence and tissue remodelling.',
    benefits: ['Skin elasticity', 'Collagen production', 'Hair density'],
    typicalDose: '1-2 mg daily (injectable) or topical serum',
    halfLife: 'Under 1 hour in plasma',
    dosing: { amount: 1, unit: 'mg', frequency: '5x weekly', route: 'subcutaneous' },
    priceCents: 6900,
  },
  {
    slug: 'semaglutide',
    name: 'Semaglutide',
    summary: 'A once-weekly GLP-1 receptor agonist approved for type 2 diabetes and chronic weight management.',
    description:
      'Semaglutide mimics the incretin hormone GLP-1. In the STEP trials, adults without diabetes lost about 15% of body weight over 68 weeks alongside lifestyle changes.',
    mechanism: 'GLP-1 receptor agonist: slows gastric emptying, increases glucose-dependent insulin secretion and reduces appetite centrally.',
    benefits: ['Weight loss', 'Glycaemic control', 'Cardiovascular risk reduction'],
    typicalDose: '0.25 mg weekly, titrated every 4 weeks to 1.7-2.4 mg',
    halfLife: 'About 7 days',
    dosing: { amount: 0.25, unit: 'mg', frequency: 'weekly', route: 'subcutaneous' },
    priceCents: 29900,
  },
  {
    slug: 'tirzepatide',
    name: 'Tirzepatide',
    summary: 'A dual GIP/GLP-1 receptor agonist approved for type 2 diabetes and obesity.',
    description:
      'Tirzepatide activates both GIP and GLP-1 receptors. In SURMOUNT-1, adults with obesity lost up to about 21% of body weight at 72 weeks on the highest dose.',
    mechanism: 'Dual incretin agonist improving insulin secretion and sensitivity while reducing appetite.',
    benefits: ['Weight loss', 'Insulin sensitivity', 'Lower HbA1c'],
    typicalDose: '2.5 mg weekly, titrated by 2.5 mg every 4 weeks to 5-15 mg',
    halfLife: 'About 5 days',
    dosing: { amount: 2.5, unit: 'mg', frequency: 'weekly', route: 'subcutaneous' },
    priceCents: 34900,
  },
  {
    slug: 'pt-141',
    name: 'PT-141 (Bremelanotide)',
    summary: 'A melanocortin agonist approved for hypoactive sexual desire disorder in premenopausal women.',
    description:
      'Bremelanotide acts in the brain rather than on blood flow. It is taken as needed before sexual activity; nausea and transient blood-pressure rises are the common side effects.',
    mechanism: 'Melanocortin-4 receptor agonist in hypothalamic pathways that regulate sexual desire.',
    benefits: ['Libido', 'Sexual arousal'],
    typicalDose: '1.75 mg as needed, at least 45 minutes before activity; no more than one dose per 24 hours',
    halfLife: 'About 2.7 hours',
    dosing: { amount: 1.75, unit: 'mg', frequency: 'as needed', route: 'subcutaneous' },
    priceCents: 9900,
  },
  {
    slug: 'selank',
    name: 'Selank',
    summary: 'A synthetic analogue of tuftsin studied for anxiety and focus.',
    description:
      'Selank is a heptapeptide developed in Russia, where it is used intranasally for generalised anxiety. It is reported to reduce anxiety without sedation.',
    mechanism: 'Modulates GABAergic signalling and enkephalin degradation; influences BDNF expression.',
    benefits: ['Calm focus', 'Stress resilience'],
    typicalDose: '250-500 mcg intranasally 1-3x daily',
    halfLife: 'Minutes (intranasal effects last hours)',
    dosing: { amount: 300, unit: 'mcg', frequency: 'daily', route: 'intranasal', timing: 'morning' },
    priceCents: 6900,
  },
  {
    slug: 'semax',
    name: 'Semax',
    summary: 'An ACTH(4-10) analogue used for cognition and neuroprotection.',
    description:
      'Semax is a heptapeptide derived from adrenocorticotropic hormone without hormonal activity. It is studied for attention, memory and recovery after stroke.',
    mechanism: 'Increases BDNF and TrkB expression and modulates dopaminergic and serotonergic systems.',
    benefits: ['Focus', 'Memory', 'Mental energy'],
    typicalDose: '200-600 mcg intranasally daily',
    halfLife: 'Minutes',
    dosing: { amount: 300, unit: 'mcg', frequency: 'daily', route: 'intranasal', timing: 'morning' },
    priceCents: 6900,
  },
  {
    slug: 'epitalon',
    name: 'Epitalon',
    summary: 'A synthetic tetrapeptide studied for telomerase activity and sleep rhythm.',
    description:
      'Epitalon (Ala-Glu-Asp-Gly) is based on epithalamin, a pineal gland extract. Laboratory and small clinical studies suggest effects on melatonin rhythm and telomerase activity.',
    mechanism: 'Reported to activate telomerase and normalise pineal melatonin secretion.',
    benefits: ['Circadian rhythm', 'Healthy ageing research'],
    typicalDose: '5-10 mg daily for 10-20 day cycles',
    halfLife: 'Short (minutes)',
    dosing: { amount: 5, unit: 'mg', frequency: 'daily', route: 'subcutaneous', timing: 'bedtime' },
    priceCents: 8900,
  },
  {
    slug: 'mots-c',
    name: 'MOTS-c',
    summary: 'A mitochondria-derived peptide that acts like an exercise mimetic in animal studies.',
    description:
      'MOTS-c is a 16-amino-acid peptide encoded in mitochondrial DNA. In mice it improved insulin sensitivity and prevented diet-induced obesity.',
    mechanism: 'Activates AMPK and regulates the folate cycle and purine metabolism in skeletal muscle.',
    benefits: ['Metabolic flexibility', 'Insulin sensitivity', 'Exercise capacity'],
    typicalDose: '5-10 mg weekly, split into 2-3 doses',
    halfLife: 'Short (under 1 hour)',
    dosing: { amount: 5, unit: 'mg', frequency: '2x weekly', route: 'subcutaneous' },
    priceCents: 12900,
  },
  {
    slug: 'aod-9604',
    name: 'AOD-9604',
    summary: 'A modified fragment of human growth hormone (176-191) studied for fat metabolism.',
    description:
      'AOD-9604 is the C-terminal fragment of growth hormone with an added tyrosine. It was developed as an anti-obesity drug; it does not raise IGF-1.',
    mechanism: 'Stimulates lipolysis and inhibits lipogenesis through beta-3 adrenergic pathways without growth-promoting effects.',
    benefits: ['Fat metabolism', 'Body composition'],
    typicalDose: '300 mcg daily',
    halfLife: 'About 30 minutes',
    dosing: { amount: 300, unit: 'mcg', frequency: 'daily', route: 'subcutaneous', timing: 'morning, fasted' },
    priceCents: 8900,
  },
  {
    slug: 'thymosin-alpha-1',
    name: 'Thymosin Alpha-1',
    summary: 'A thymic peptide used in several countries as an immune modulator.',
    description:
      'Thymosin alpha-1 (thymalfasin) is a 28-amino-acid peptide approved outside the US for hepatitis B and as a vaccine adjuvant. It supports T-cell maturation.',
    mechanism: 'Toll-like receptor agonist that enhances dendritic-cell and T-cell function.',
    benefits: ['Immune resilience', 'Recovery from illness'],
    typicalDose: '1.6 mg twice weekly',
    halfLife: 'About 2 hours',
    dosing: { amount: 1.6, unit: 'mg', frequency: '2x weekly', route: 'subcutaneous' },
    priceCents: 14900,
  },
  {
    slug: 'kpv',
    name: 'KPV',
    summary: 'A tripeptide fragment of alpha-MSH with anti-inflammatory activity.',
    description:
      'KPV (Lys-Pro-Val) is the C-terminal tripeptide of alpha-melanocyte-stimulating hormone. In models of colitis it reduced inflammation; it is used orally and by injection.',
    mechanism: 'Enters cells via the PepT1 transporter and inhibits NF-kB inflammatory signalling.',
    benefits: ['Gut comfort', 'Skin calm', 'Inflammation support'],
    typicalDose: '200-500 mcg daily',
    halfLife: 'Short (minutes)',
    dosing: { amount: 500, unit: 'mcg', frequency: 'daily', route: 'oral' },
    priceCents: 7900,
  },
  {
    slug: 'll-37',
    name: 'LL-37',
    summary: 'The only human cathelicidin antimicrobial peptide.',
    description:
      'LL-37 is part of the innate immune system, produced by immune and epithelial cells. It is researched for resistant infections, biofilms and wound healing.',
    mechanism: 'Disrupts microbial membranes and modulates immune-cell chemotaxis and cytokine release.',
    benefits: ['Innate immunity', 'Wound healing'],
    typicalDose: '100 mcg daily for short courses',
    halfLife: 'Short (minutes to hours)',
    dosing: { amount: 100, unit: 'mcg', frequency: 'daily', route: 'subcutaneous' },
    priceCents: 10900,
  },
  {
    slug: 'dsip',
    name: 'DSIP',
    summary: 'Delta sleep-inducing peptide, researched for sleep architecture and stress.',
    description:
      'DSIP is a nonapeptide first isolated from rabbits in deep sleep. Small studies suggest improved sleep efficiency; results are mixed.',
    mechanism: 'Thought to modulate GABA and glutamate signalling and reduce stress-hormone output.',
    benefits: ['Sleep onset', 'Deep sleep', 'Stress modulation'],
    typicalDose: '100-300 mcg before bed',
    halfLife: 'About 15 minutes',
    dosing: { amount: 200, unit: 'mcg', frequency: 'nightly', route: 'subcutaneous', timing: 'bedtime' },
    priceCents: 6900,
  },
  {
    slug: 'nad-plus',
    name: 'NAD+',
    summary: 'The cellular coenzyme behind energy metabolism and DNA repair.',
    description:
      'Nicotinamide adenine dinucleotide declines with age. Injectable NAD+ is used to raise levels directly; precursors (NR, NMN) are the oral alternative.',
    mechanism: 'Cofactor for mitochondrial energy production and substrate for sirtuins and PARP DNA-repair enzymes.',
    benefits: ['Cellular energy', 'Healthy ageing', 'Mental clarity'],
    typicalDose: '50-100 mg subcutaneously 2-3x weekly',
    halfLife: 'Short (minutes in plasma)',
    dosing: { amount: 100, unit: 'mg', frequency: '3x weekly', route: 'subcutaneous', timing: 'morning' },
    priceCents: 15900,
  },
  {
    slug: 'kisspeptin-10',
    name: 'Kisspeptin-10',
    summary: 'A hypothalamic peptide that drives the reproductive hormone axis.',
    description:
      'Kisspeptin-10 is the shortest active form of kisspeptin. It stimulates GnRH release and, downstream, LH and testosterone; it is studied for hypogonadism and fertility.',
    mechanism: 'Agonist of the KISS1 receptor on GnRH neurons.',
    benefits: ['LH and testosterone support', 'Fertility research'],
    typicalDose: '100 mcg 2-3x weekly',
    halfLife: 'About 4 minutes',
    dosing: { amount: 100, unit: 'mcg', frequency: '3x weekly', route: 'subcutaneous' },
    priceCents: 9900,
  },
  {
    slug: 'retatrutide',
    name: 'Retatrutide',
    summary: 'An investigational triple GIP/GLP-1/glucagon receptor agonist.',
    description: 'Retatrutide is in phase 3 trials for obesity. This page is being prepared by our clinical team.',
    mechanism: 'Triple agonist of GIP, GLP-1 and glucagon receptors.',
    benefits: ['Weight loss (investigational)'],
    typicalDose: 'Investigational',
    halfLife: 'About 6 days',
    dosing: { amount: 2, unit: 'mg', frequency: 'weekly', route: 'subcutaneous' },
    priceCents: 39900,
    draft: true,
  },
  {
    slug: 'ss-31',
    name: 'SS-31 (Elamipretide)',
    summary: 'A mitochondria-targeted tetrapeptide under investigation.',
    description: 'Elamipretide binds cardiolipin in the inner mitochondrial membrane. Draft page pending review.',
    mechanism: 'Stabilises cardiolipin and the electron transport chain.',
    benefits: ['Mitochondrial function (investigational)'],
    typicalDose: 'Investigational',
    halfLife: 'About 4 hours',
    dosing: { amount: 5, unit: 'mg', frequency: 'daily', route: 'subcutaneous' },
    priceCents: 19900,
    draft: true,
  },
];

export interface StackSeed {
  slug: string;
  name: string;
  description: string;
  peptides: string[];
  draft?: boolean;
}

export const STACKS: StackSeed[] = [
  { slug: 'recovery', name: 'Recovery Stack', description: 'BPC-157 and TB-500 together for soft-tissue repair after injury or hard training blocks.', peptides: ['bpc-157', 'tb-500'] },
  { slug: 'gh-optimization', name: 'Growth Hormone Optimization', description: 'A GHRH analogue with a selective secretagogue to amplify natural growth-hormone pulses.', peptides: ['cjc-1295', 'ipamorelin'] },
  { slug: 'metabolic-reset', name: 'Metabolic Reset', description: 'Incretin therapy with mitochondrial support for sustainable weight loss.', peptides: ['semaglutide', 'mots-c', 'nad-plus'] },
  { slug: 'cognitive-focus', name: 'Cognitive Focus', description: 'Intranasal nootropic peptides for calm, sustained attention.', peptides: ['selank', 'semax'] },
  { slug: 'longevity', name: 'Longevity Foundations', description: 'Peptides studied for cellular energy, circadian rhythm and tissue renewal.', peptides: ['epitalon', 'nad-plus', 'ghk-cu', 'mots-c'] },
  { slug: 'skin-and-hair', name: 'Skin & Hair', description: 'Collagen and repair support for skin quality and hair density.', peptides: ['ghk-cu', 'bpc-157'] },
  { slug: 'immune-support', name: 'Immune Support', description: 'Innate and adaptive immune modulators for seasonal resilience.', peptides: ['thymosin-alpha-1', 'll-37', 'kpv'] },
  { slug: 'deep-sleep', name: 'Deep Sleep', description: 'Evening peptides that support sleep onset and slow-wave sleep.', peptides: ['dsip', 'sermorelin'] },
  { slug: 'gut-health', name: 'Gut Health', description: 'Gut-lining repair with anti-inflammatory support.', peptides: ['bpc-157', 'kpv'] },
  { slug: 'body-recomposition', name: 'Body Recomposition', description: 'Draft: visceral fat reduction with lean-mass support.', peptides: ['tesamorelin', 'aod-9604', 'cjc-1295'], draft: true },
];

export interface GoalSeed {
  slug: string;
  title: string;
  description: string;
  peptides: string[];
  draft?: boolean;
}

export const GOALS: GoalSeed[] = [
  { slug: 'weight-loss', title: 'Lose weight sustainably', description: 'Medically supervised weight loss that protects lean mass.', peptides: ['semaglutide', 'tirzepatide', 'aod-9604', 'mots-c'] },
  { slug: 'recovery', title: 'Recover faster', description: 'Shorter recovery from training and soft-tissue injuries.', peptides: ['bpc-157', 'tb-500'] },
  { slug: 'sleep', title: 'Sleep deeper', description: 'Better sleep onset, continuity and deep sleep.', peptides: ['dsip', 'sermorelin', 'epitalon'] },
  { slug: 'cognition', title: 'Sharpen focus', description: 'Calm, sustained attention and mental energy.', peptides: ['selank', 'semax', 'nad-plus'] },
  { slug: 'longevity', title: 'Age well', description: 'Healthspan foundations: metabolism, mitochondria and tissue renewal.', peptides: ['epitalon', 'nad-plus', 'mots-c', 'ghk-cu'] },
  { slug: 'body-composition', title: 'Build lean muscle', description: 'Improve body composition with growth-hormone support and training.', peptides: ['cjc-1295', 'ipamorelin', 'tesamorelin'] },
  { slug: 'immunity', title: 'Strengthen immunity', description: 'Support immune resilience through the seasons.', peptides: ['thymosin-alpha-1', 'll-37'] },
  { slug: 'sexual-health', title: 'Sexual health', description: 'Desire, arousal and hormonal balance.', peptides: ['pt-141', 'kisspeptin-10'] },
  { slug: 'skin-health', title: 'Healthy skin', description: 'Draft: skin elasticity, collagen and repair.', peptides: ['ghk-cu'], draft: true },
];

export const CMS_USERS = [
  { email: 'maya.chen@example.com', name: 'Dr. Maya Chen', role: 'admin' },
  { email: 'james.okafor@example.com', name: 'James Okafor', role: 'editor' },
  { email: 'sofia.ramirez@example.com', name: 'Sofia Ramirez, RD', role: 'editor' },
  { email: 'daniel.weiss@example.com', name: 'Dr. Daniel Weiss', role: 'editor' },
  { email: 'priya.nair@example.com', name: 'Priya Nair', role: 'author' },
];

export const MEDIA = [
  { filename: 'bpc-157-vial.png', alt: 'BPC-157 vial', mimeType: 'image/png', width: 1200, height: 1200 },
  { filename: 'tb-500-vial.png', alt: 'TB-500 vial', mimeType: 'image/png', width: 1200, height: 1200 },
  { filename: 'cjc-1295-vial.png', alt: 'CJC-1295 vial', mimeType: 'image/png', width: 1200, height: 1200 },
  { filename: 'ipamorelin-vial.png', alt: 'Ipamorelin vial', mimeType: 'image/png', width: 1200, height: 1200 },
  { filename: 'semaglutide-pen.png', alt: 'Semaglutide pen', mimeType: 'image/png', width: 1200, height: 1200 },
  { filename: 'tirzepatide-pen.png', alt: 'Tirzepatide pen', mimeType: 'image/png', width: 1200, height: 1200 },
  { filename: 'hero-lab-results.jpg', alt: 'A clinician reviewing lab results with a member', mimeType: 'image/jpeg', width: 2400, height: 1350 },
  { filename: 'hero-wearables.jpg', alt: 'A ring and a watch on a bedside table', mimeType: 'image/jpeg', width: 2400, height: 1350 },
  { filename: 'blog-sleep.webp', alt: 'Dim bedroom at night', mimeType: 'image/webp', width: 1600, height: 900 },
  { filename: 'coa-sample.pdf', alt: 'Sample certificate of analysis', mimeType: 'application/pdf', width: 0, height: 0 },
];

export interface PostSeed {
  slug: string;
  title: string;
  excerpt: string;
  tags: string[];
  draft?: boolean;
}

export const BLOG_POSTS: PostSeed[] = [
  { slug: 'understanding-apob', title: 'Why ApoB tells you more than LDL', excerpt: 'Every atherogenic particle carries one ApoB molecule. Here is why counting particles beats measuring cholesterol mass.', tags: ['labs', 'heart-health'] },
  { slug: 'glp1-muscle', title: 'Keeping muscle on a GLP-1', excerpt: 'Protein targets, resistance training and what the trials say about lean-mass loss.', tags: ['weight-loss', 'glp-1'] },
  { slug: 'hrv-explained', title: 'HRV, explained without the hype', excerpt: 'What heart-rate variability measures, why yours bounces around, and which trends matter.', tags: ['wearables', 'recovery'] },
  { slug: 'vitamin-d-optimal', title: 'Vitamin D: normal is not always optimal', excerpt: 'Reference ranges, the Endocrine Society targets and how to retest after supplementing.', tags: ['labs', 'vitamins'] },
  { slug: 'cgm-for-non-diabetics', title: 'What a CGM can teach you without diabetes', excerpt: 'Two weeks of continuous glucose data and the meal experiments worth running.', tags: ['wearables', 'metabolic-health'] },
  { slug: 'peptide-quality', title: 'How we verify peptide quality', excerpt: 'Third-party certificates of analysis, purity thresholds and batch tracking.', tags: ['peptides', 'quality'] },
  { slug: 'sleep-architecture', title: 'Deep sleep, REM and what your ring measures', excerpt: 'A practical guide to sleep stages and the habits that move them.', tags: ['sleep', 'wearables'] },
  { slug: 'testosterone-basics', title: 'Testosterone: total, free and SHBG', excerpt: 'Why one number is not enough, and when symptoms and labs disagree.', tags: ['hormones', 'labs'] },
  { slug: 'inflammation-markers', title: 'hs-CRP and homocysteine in plain language', excerpt: 'Two inflammation markers, what moves them and when to retest.', tags: ['labs', 'inflammation'] },
  { slug: 'thyroid-panel', title: 'Reading a full thyroid panel', excerpt: 'TSH, free T4, free T3 and antibodies: how they fit together.', tags: ['labs', 'thyroid'] },
  { slug: 'recovery-peptides', title: 'BPC-157 and TB-500: what the evidence says', excerpt: 'Animal data, human reports and the open questions.', tags: ['peptides', 'recovery'] },
  { slug: 'iron-and-fatigue', title: 'Ferritin, iron and fatigue', excerpt: 'Low ferritin without anaemia is common. Here is what to ask your clinician.', tags: ['labs', 'energy'] },
  { slug: 'zone-2-training', title: 'Zone 2 training for metabolic health', excerpt: 'Draft: mitochondrial adaptations and how to find your zone.', tags: ['fitness'], draft: true },
];

export const FAQ_CATEGORIES = ['Membership', 'Labs', 'Peptides', 'Wearables', 'Shipping', 'Privacy'] as const;

export const FAQS: { category: (typeof FAQ_CATEGORIES)[number]; question: string; answer: string; draft?: boolean }[] = [
  { category: 'Membership', question: 'What is included in a Loop Health membership?', answer: 'Clinician consultations, lab testing twice a year, personalised protocols, wearable integration and unlimited messaging with our care team and Luna.' },
  { category: 'Membership', question: 'Can I pause or cancel my membership?', answer: 'Yes. You can cancel any time from Settings; access continues to the end of the current billing period.' },
  { category: 'Membership', question: 'What is the difference between Core, Plus and Concierge?', answer: 'Core covers labs and protocols; Plus adds quarterly clinician reviews and CGM support; Concierge adds a dedicated clinician and same-day messaging.' },
  { category: 'Membership', question: 'Is my membership HSA/FSA eligible?', answer: 'Lab tests and prescribed treatments are usually eligible. We provide itemised receipts; check with your plan administrator.' },
  { category: 'Labs', question: 'How do I prepare for my blood draw?', answer: 'Fast for 10-12 hours (water is fine), avoid intense exercise the day before and book a morning appointment for hormone testing.' },
  { category: 'Labs', question: 'Can I upload results from my own doctor?', answer: 'Yes. Upload a PDF from Quest, Labcorp or most hospital labs; we match each test to our biomarker catalog.' },
  { category: 'Labs', question: 'What does "optimal" mean on my results?', answer: 'Optimal is a narrower band within the normal range associated with better long-term outcomes. Normal values outside it are not abnormal.' },
  { category: 'Labs', question: 'How long do results take?', answer: 'Most results arrive within 2-4 business days of your draw.' },
  { category: 'Peptides', question: 'Are peptides safe?', answer: 'Safety varies by peptide. Some are FDA-approved medicines, others are research compounds with limited human data. Your clinician reviews your history and labs before prescribing.' },
  { category: 'Peptides', question: 'How do I store my peptides?', answer: 'Keep unopened vials refrigerated at 2-8 °C away from light. Once reconstituted, use within the period on your label.' },
  { category: 'Peptides', question: 'Do I need a prescription?', answer: 'Yes. Every peptide we provide requires a clinician consultation and a prescription.' },
  { category: 'Peptides', question: 'What if I miss a dose?', answer: 'Take it when you remember the same day; otherwise skip it and continue your schedule. Never double a dose.' },
  { category: 'Wearables', question: 'Which wearables can I connect?', answer: 'Oura, WHOOP, Garmin and Dexcom continuous glucose monitors.' },
  { category: 'Wearables', question: 'How often does my data sync?', answer: 'Connected devices sync several times a day; you can also sync manually from the dashboard.' },
  { category: 'Wearables', question: 'Can I disconnect a device?', answer: 'Yes. Disconnecting stops future syncs; data already imported stays in your record unless you ask us to delete it.' },
  { category: 'Shipping', question: 'How are medications shipped?', answer: 'Cold-chain packaging with ice packs, by 2-day delivery from a licensed US pharmacy.' },
  { category: 'Shipping', question: 'Do you ship to every state?', answer: 'We currently ship to 45 states. Availability is shown when you choose a treatment.' },
  { category: 'Privacy', question: 'Who can see my health data?', answer: 'Only you and the clinicians caring for you. Every access is logged, and we never sell your data.' },
  { category: 'Privacy', question: 'Is Luna a doctor?', answer: 'No. Luna is an AI assistant that explains your data and answers general questions. Medical decisions are made with your clinician.' },
  { category: 'Privacy', question: 'Can I download or delete my data?', answer: 'Yes. Request an export or deletion from Settings > Privacy; we complete requests within 30 days.' },
  { category: 'Shipping', question: 'Can I ship to a PO box?', answer: 'Draft answer pending pharmacy confirmation.', draft: true },
  { category: 'Labs', question: 'Do you offer at-home blood draws?', answer: 'Draft: mobile phlebotomy is launching in select cities.', draft: true },
];

export const HELP_ARTICLES: { slug: string; title: string; category: string; body: string; draft?: boolean }[] = [
  { slug: 'getting-started', title: 'Getting started with Loop Health', category: 'Getting started', body: 'Create your account, complete your health history and book your first lab draw. Your clinician reviews everything before your first consultation.' },
  { slug: 'connect-oura', title: 'Connect your Oura ring', category: 'Wearables', body: 'Go to Devices, choose Oura and sign in to authorise read access to sleep, readiness and activity. Data from the last 30 days is imported.' },
  { slug: 'connect-whoop', title: 'Connect WHOOP', category: 'Wearables', body: 'Go to Devices, choose WHOOP and approve recovery, sleep and strain scopes.' },
  { slug: 'connect-dexcom', title: 'Connect a Dexcom CGM', category: 'Wearables', body: 'Go to Devices, choose Dexcom and sign in with your Dexcom account. Glucose readings appear with a delay of up to 3 hours, as set by Dexcom.' },
  { slug: 'connect-garmin', title: 'Connect Garmin', category: 'Wearables', body: 'Go to Devices, choose Garmin and authorise Garmin Connect. Steps, resting heart rate, sleep and HRV are imported.' },
  { slug: 'upload-lab-report', title: 'Upload a lab report', category: 'Labs', body: 'From Labs, choose Upload and select a PDF. We read each test, convert units to our standard and flag values outside your reference range.' },
  { slug: 'read-your-results', title: 'Read your lab results', category: 'Labs', body: 'Each biomarker shows your value, the reference range for your sex and age, and an optimal band where one exists.' },
  { slug: 'your-protocol', title: 'Understanding your protocol', category: 'Protocols', body: 'Your protocol lists each peptide, dose, frequency and route. Changes are made by your clinician and appear in your timeline.' },
  { slug: 'injection-guide', title: 'Subcutaneous injection guide', category: 'Protocols', body: 'Clean the vial top and skin with alcohol, pinch a fold of skin on the abdomen or thigh, insert at 45-90 degrees and inject slowly. Rotate sites.' },
  { slug: 'weekly-check-in', title: 'Your weekly check-in', category: 'Getting started', body: 'Every week, rate your energy, sleep, mood, stress and adherence. Your clinician uses the trend alongside your wearable data.' },
  { slug: 'billing', title: 'Billing and receipts', category: 'Account', body: 'Receipts are emailed each billing period and are available under Settings > Billing.' },
  { slug: 'talk-to-luna', title: 'Talking to Luna', category: 'Getting started', body: 'Luna answers questions about your data and general health topics. For urgent symptoms call 911 or your local emergency number.' },
  { slug: 'referral-program', title: 'Referral program', category: 'Account', body: 'Draft: invite a friend and both receive a month free.', draft: true },
];

export const COA_LABS = ['Janoshik Analytical', 'Colmaric Analyticals', 'Eurofins Scientific', 'Chromate Labs'];

export const RESEARCH_PAPERS: {
  title: string;
  authors: string;
  journal: string;
  year: number;
  doi: string | null;
  abstract: string;
  peptides: string[];
  draft?: boolean;
}[] = [
  { title: 'Once-Weekly Semaglutide in Adults with Overweight or Obesity', authors: 'Wilding JPH, Batterham RL, Calanna S, et al.', journal: 'New England Journal of Medicine', year: 2021, doi: '10.1056/NEJMoa2032183', abstract: 'In adults with overweight or obesity without diabetes, 2.4 mg semaglutide weekly plus lifestyle intervention produced a mean 14.9% reduction in body weight at 68 weeks versus 2.4% with placebo.', peptides: ['semaglutide'] },
  { title: 'Tirzepatide Once Weekly for the Treatment of Obesity', authors: 'Jastreboff AM, Aronne LJ, Ahmad NN, et al.', journal: 'New England Journal of Medicine', year: 2022, doi: '10.1056/NEJMoa2206038', abstract: 'SURMOUNT-1: weekly tirzepatide 5, 10 or 15 mg produced mean weight reductions of 15.0% to 20.9% at 72 weeks versus 3.1% with placebo.', peptides: ['tirzepatide'] },
  { title: 'Metabolic Effects of a Growth Hormone-Releasing Factor in Patients with HIV', authors: 'Falutz J, Allas S, Blot K, et al.', journal: 'New England Journal of Medicine', year: 2007, doi: '10.1056/NEJMoa072375', abstract: 'Tesamorelin 2 mg daily for 26 weeks reduced visceral adipose tissue by 15.2% in HIV-infected patients with abdominal fat accumulation.', peptides: ['tesamorelin'] },
  { title: 'Prolonged Stimulation of Growth Hormone and IGF-I Secretion by CJC-1295 in Healthy Adults', authors: 'Teichman SL, Neale A, Lawrence B, et al.', journal: 'Journal of Clinical Endocrinology & Metabolism', year: 2006, doi: '10.1210/jc.2005-1536', abstract: 'Single injections of CJC-1295 increased mean GH concentrations 2- to 10-fold for 6 days or more and IGF-I 1.5- to 3-fold for 9-11 days; estimated half-life 5.8-8.1 days.', peptides: ['cjc-1295'] },
  { title: 'Ipamorelin, the First Selective Growth Hormone Secretagogue', authors: 'Raun K, Hansen BS, Johansen NL, et al.', journal: 'European Journal of Endocrinology', year: 1998, doi: '10.1530/eje.0.1390552', abstract: 'Ipamorelin released GH with potency and efficacy similar to GHRP-6 without raising ACTH or cortisol, even at doses far above the GH-releasing dose.', peptides: ['ipamorelin'] },
  { title: 'Stable Gastric Pentadecapeptide BPC 157: Novel Therapy in Gastrointestinal Tract', authors: 'Sikiric P, Seiwerth S, Rucman R, et al.', journal: 'Current Pharmaceutical Design', year: 2011, doi: '10.2174/138161211796196954', abstract: 'Review of BPC 157 in animal models of gastrointestinal lesions, fistulas and anastomoses, with reported cytoprotective and healing effects.', peptides: ['bpc-157'] },
  { title: 'Regenerative and Protective Actions of the GHK-Cu Peptide in the Light of the New Gene Data', authors: 'Pickart L, Margolina A', journal: 'International Journal of Molecular Sciences', year: 2018, doi: '10.3390/ijms19071987', abstract: 'GHK-Cu modulates the expression of many human genes involved in tissue remodelling, antioxidant defence and inflammation.', peptides: ['ghk-cu'] },
  { title: 'Bremelanotide for the Treatment of Hypoactive Sexual Desire Disorder: Two Randomized Phase 3 Trials', authors: 'Kingsberg SA, Clayton AH, Portman D, et al.', journal: 'Obstetrics & Gynecology', year: 2019, doi: '10.1097/AOG.0000000000003500', abstract: 'RECONNECT: as-needed bremelanotide 1.75 mg improved desire and reduced distress in premenopausal women with HSDD.', peptides: ['pt-141'] },
  { title: 'The Mitochondrial-Derived Peptide MOTS-c Promotes Metabolic Homeostasis and Reduces Obesity and Insulin Resistance', authors: 'Lee C, Zeng J, Drew BG, et al.', journal: 'Cell Metabolism', year: 2015, doi: '10.1016/j.cmet.2015.02.009', abstract: 'MOTS-c targets skeletal muscle, activates AMPK and prevented diet-induced obesity and insulin resistance in mice.', peptides: ['mots-c'] },
  { title: 'Sermorelin: A Better Approach to Management of Adult-Onset Growth Hormone Insufficiency?', authors: 'Walker RF', journal: 'Clinical Interventions in Aging', year: 2006, doi: '10.2147/ciia.2006.1.4.307', abstract: 'Review arguing that GHRH analogues such as sermorelin restore physiological GH secretion while preserving feedback regulation.', peptides: ['sermorelin', 'cjc-1295'] },
  { title: 'Thymosin Alpha 1: A Comprehensive Review of the Literature', authors: 'King R, Tuthill C', journal: 'World Journal of Virology', year: 2020, doi: '10.5501/wjv.v9.i5.67', abstract: 'Review of thymosin alpha 1 pharmacology and clinical use in viral infections, cancer and as a vaccine enhancer.', peptides: ['thymosin-alpha-1'] },
  { title: 'Nicotinamide Mononucleotide Increases Muscle Insulin Sensitivity in Prediabetic Women', authors: 'Yoshino M, Yoshino J, Kayser BD, et al.', journal: 'Science', year: 2021, doi: '10.1126/science.abe9985', abstract: 'Ten weeks of NMN supplementation increased muscle insulin sensitivity and signalling in postmenopausal women with prediabetes.', peptides: ['nad-plus'] },
  { title: 'Melanocortin-Derived Tripeptide KPV Has Anti-Inflammatory Potential in Murine Models of Inflammatory Bowel Disease', authors: 'Kannengiesser K, Maaser C, Heidemann J, et al.', journal: 'Inflammatory Bowel Diseases', year: 2008, doi: '10.1002/ibd.20339', abstract: 'KPV reduced the severity of DSS- and TNBS-induced colitis in mice, with reduced inflammatory cell infiltration.', peptides: ['kpv'] },
  { title: 'Thymosin Beta4: A Multi-Functional Regenerative Peptide. Basic Properties and Clinical Applications', authors: 'Goldstein AL, Hannappel E, Sosne G, Kleinman HK', journal: 'Expert Opinion on Biological Therapy', year: 2012, doi: '10.1517/14712598.2012.634793', abstract: 'Thymosin beta4 promotes cell migration, angiogenesis and tissue repair; clinical trials in wound healing, eye and heart injury are reviewed.', peptides: ['tb-500'] },
  { title: 'Peptide Regulation of Ageing: Epithalamin and Epitalon', authors: 'Khavinson VKh', journal: 'Neuroendocrinology Letters', year: 2002, doi: null, abstract: 'Summary of experimental and clinical studies of pineal peptide preparations on lifespan, melatonin secretion and age-related changes.', peptides: ['epitalon'] },
  { title: 'Semax and Selank in Anxiety and Cognition: A Narrative Review', authors: 'Loop Health Clinical Team', journal: 'Loop Health Evidence Notes', year: 2024, doi: null, abstract: 'Draft summary of the Russian clinical literature on Semax and Selank.', peptides: ['semax', 'selank'], draft: true },
];

// ───────────── Patient-side vocabularies ─────────────

export const FEMALE_NAMES = ['Olivia', 'Emma', 'Ava', 'Sophia', 'Isabella', 'Mia', 'Charlotte', 'Amelia', 'Harper', 'Evelyn', 'Abigail', 'Emily', 'Elizabeth', 'Sofia', 'Avery', 'Ella', 'Scarlett', 'Grace', 'Chloe', 'Victoria', 'Riley', 'Aria', 'Lily', 'Aaliyah', 'Zoey', 'Nora', 'Hannah', 'Layla', 'Priya', 'Mei', 'Fatima', 'Leah', 'Camila', 'Naomi', 'Julia'];
export const MALE_NAMES = ['Liam', 'Noah', 'Oliver', 'Elijah', 'James', 'William', 'Benjamin', 'Lucas', 'Henry', 'Alexander', 'Mason', 'Michael', 'Ethan', 'Daniel', 'Jacob', 'Logan', 'Jackson', 'Levi', 'Sebastian', 'Mateo', 'Jack', 'Owen', 'Theodore', 'Aiden', 'Samuel', 'Joseph', 'John', 'David', 'Wyatt', 'Carlos', 'Raj', 'Kenji', 'Omar', 'Andre', 'Marcus'];
export const LAST_NAMES = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Nguyen', 'Patel', 'Kim', 'Chen', 'Okafor', 'Cohen', "O'Brien", 'Schmidt', 'Rossi'];

/** IANA zones whose UTC offsets keep a 10:00-13:30 UTC reading on the same local date. */
export const TIMEZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'Pacific/Honolulu', 'Europe/London', 'Europe/Berlin'];

export const CONDITIONS = ['Hypertension', 'Prediabetes', 'Type 2 diabetes', 'Hypothyroidism', 'Hyperlipidemia', 'Obstructive sleep apnea', 'Osteoarthritis', 'Asthma', 'GERD', 'Anxiety', 'Migraine', 'PCOS', 'Low testosterone', 'Perimenopause', 'Iron deficiency'];
export const MEDICATIONS = ['Lisinopril 10 mg', 'Metformin 500 mg', 'Levothyroxine 50 mcg', 'Atorvastatin 20 mg', 'Omeprazole 20 mg', 'Sertraline 50 mg', 'Vitamin D3 2000 IU', 'Magnesium glycinate 400 mg', 'Fish oil 1 g', 'Amlodipine 5 mg', 'Rosuvastatin 10 mg', 'Albuterol inhaler', 'Estradiol patch 0.05 mg'];
export const ALLERGIES = ['Penicillin', 'Sulfa drugs', 'Shellfish', 'Peanuts', 'Latex', 'Codeine'];

export const CLINICIANS = ['Dr. Sarah Mitchell', 'Dr. Anil Kapoor', 'Dr. Rachel Goldberg', 'Dr. Marcus Bell', 'Dr. Elena Petrova', 'Dr. Kevin Tran'];

export const TREATMENTS = [
  'Peptide therapy: recovery',
  'GLP-1 weight management',
  'Testosterone optimization',
  'Sleep optimization program',
  'Thyroid optimization',
  'Metabolic health program',
  'Menopause hormone therapy',
  'Longevity program',
];

export const PRESCRIPTIONS: { medication: string; dosage: string; frequency: string }[] = [
  { medication: 'Semaglutide', dosage: '0.5 mg', frequency: 'once weekly' },
  { medication: 'Tirzepatide', dosage: '5 mg', frequency: 'once weekly' },
  { medication: 'Testosterone cypionate', dosage: '100 mg', frequency: 'once weekly' },
  { medication: 'Enclomiphene', dosage: '12.5 mg', frequency: 'daily' },
  { medication: 'Sermorelin', dosage: '300 mcg', frequency: 'nightly' },
  { medication: 'BPC-157', dosage: '250 mcg', frequency: 'daily' },
  { medication: 'NAD+', dosage: '100 mg', frequency: '3x weekly' },
  { medication: 'Metformin ER', dosage: '500 mg', frequency: 'daily with dinner' },
  { medication: 'Levothyroxine', dosage: '25 mcg', frequency: 'daily, fasting' },
  { medication: 'Progesterone (micronized)', dosage: '100 mg', frequency: 'nightly' },
  { medication: 'Estradiol patch', dosage: '0.05 mg/day', frequency: 'twice weekly' },
  { medication: 'Ondansetron', dosage: '4 mg', frequency: 'as needed for nausea' },
];

export const PLANS = [
  { plan: 'Core', priceCents: 9900 },
  { plan: 'Plus', priceCents: 19900 },
  { plan: 'Concierge', priceCents: 49900 },
] as const;

export const PROTOCOL_TEMPLATES: { name: string; goal: string; peptides: string[] }[] = [
  { name: 'Injury recovery', goal: 'Recover from a shoulder strain', peptides: ['bpc-157', 'tb-500'] },
  { name: 'Weight management', goal: 'Lose 10% of body weight while keeping lean mass', peptides: ['semaglutide', 'mots-c', 'nad-plus'] },
  { name: 'Weight management (dual agonist)', goal: 'Lose weight and lower HbA1c', peptides: ['tirzepatide', 'aod-9604'] },
  { name: 'Growth hormone support', goal: 'Improve sleep and body composition', peptides: ['cjc-1295', 'ipamorelin', 'sermorelin'] },
  { name: 'Focus and stress', goal: 'Calmer focus during a demanding quarter', peptides: ['selank', 'semax'] },
  { name: 'Healthy ageing', goal: 'Support energy and skin quality', peptides: ['nad-plus', 'epitalon', 'ghk-cu', 'mots-c'] },
  { name: 'Gut repair', goal: 'Reduce bloating and support the gut lining', peptides: ['bpc-157', 'kpv'] },
  { name: 'Immune resilience', goal: 'Fewer winter infections', peptides: ['thymosin-alpha-1', 'll-37'] },
  { name: 'Sleep reset', goal: 'Fall asleep faster and wake rested', peptides: ['dsip', 'sermorelin'] },
  { name: 'Visceral fat reduction', goal: 'Reduce waist circumference', peptides: ['tesamorelin', 'aod-9604'] },
];

/** Luna conversations: a title and up to three question/answer pairs. */
export const CONVERSATIONS: { title: string; turns: [string, string][] }[] = [
  {
    title: 'LDL on my latest labs',
    turns: [
      ['My LDL came back at 132. Is that bad?', 'An LDL of 132 mg/dL is above the 100 mg/dL that most labs mark as desirable. On its own it is not an emergency, but it is worth discussing with your clinician together with ApoB, family history and blood pressure.'],
      ['What can I do about it without medication?', 'Diet changes can lower LDL by roughly 10-20%: more soluble fibre (oats, beans), less saturated fat, and regular aerobic exercise. Your clinician can help decide whether that is enough for your overall risk.'],
      ['Should I retest?', 'A repeat lipid panel 8-12 weeks after changing diet or starting treatment shows how you are responding. I can note that for your clinician.'],
    ],
  },
  {
    title: 'Sleep score dropped',
    turns: [
      ['My Oura sleep score has been in the 60s all week. Why?', 'Your data shows shorter sleep, about 6 hours a night, and a higher resting heart rate than your usual. Late meals, alcohol, stress or an oncoming illness are common reasons.'],
      ['Could my peptide protocol be affecting it?', 'Some peptides can affect sleep, but the timing here does not clearly match a protocol change. Your clinician can review it; please do not change doses on your own.'],
      ['Any quick tips?', 'Keep a consistent wake time, stop caffeine after noon, keep the bedroom cool and dark, and finish eating 2-3 hours before bed.'],
    ],
  },
  {
    title: 'Starting semaglutide',
    turns: [
      ['I start semaglutide next week. What side effects should I expect?', 'Nausea, fullness, constipation or loose stools are the most common, usually in the first weeks and after dose increases. Smaller meals and staying hydrated help.'],
      ['When should I call someone?', 'Contact your care team for vomiting that stops you keeping fluids down, or severe abdominal pain that spreads to your back. For severe symptoms, call 911 or go to the nearest emergency department.'],
      ['How much protein should I eat?', 'Many clinicians suggest about 1.2-1.6 g of protein per kg of body weight per day during weight loss, together with resistance training, to protect muscle. Your clinician can set a target for you.'],
    ],
  },
  {
    title: 'Vitamin D result',
    turns: [
      ['My vitamin D is 24. What does that mean?', 'A 25-hydroxy vitamin D of 24 ng/mL is below the 30 ng/mL that the Endocrine Society considers sufficient. It is common, especially in winter.'],
      ['How much should I take?', 'Dosing depends on your level, weight and other medications, so your clinician will recommend an amount. Retesting after about 3 months shows whether it is working.'],
    ],
  },
  {
    title: 'HRV trends',
    turns: [
      ['Is an HRV of 35 ms low?', 'HRV varies widely between people and with age, so your own trend matters more than one number. Yours has been steady around 35-40 ms over the last month.'],
      ['How can I raise it?', 'Consistent sleep, aerobic training, limiting alcohol and managing stress tend to improve HRV over weeks.'],
      ['Does a low day mean I should skip training?', 'A single low reading is not a reason to worry. If HRV stays low and your resting heart rate is up for several days, a lighter training day is reasonable.'],
    ],
  },
  {
    title: 'Glucose spikes after dinner',
    turns: [
      ['My CGM shows 170 after dinner. Is that normal?', 'Post-meal readings up to about 140 mg/dL are typical for people without diabetes; occasional peaks near 170 after a carbohydrate-heavy meal happen. If they are frequent, share the pattern with your clinician.'],
      ['What helps?', 'Eating protein and vegetables before starches, a 10-15 minute walk after meals, and smaller carbohydrate portions usually flatten the curve.'],
    ],
  },
  {
    title: 'Testosterone results',
    turns: [
      ['My total testosterone is 310. Do I need treatment?', 'A total testosterone of 310 ng/dL is within the reference range of 264-916 ng/dL, at the lower end. Guidelines recommend two morning measurements plus symptoms before diagnosing deficiency.'],
      ['What about free testosterone?', 'Free testosterone and SHBG help interpret a borderline total. Your clinician may order them with your next draw.'],
      ['Can peptides help?', 'Some protocols aim to support the hormonal axis, but whether any is suitable depends on your goals, labs and history. That is a decision for your clinician.'],
    ],
  },
  {
    title: 'Chest tightness during a run',
    turns: [
      ['I felt chest tightness on my run this morning. Should I worry?', 'Chest tightness during exercise can have serious causes. If it is happening now, or comes with shortness of breath, sweating, nausea or pain spreading to your arm or jaw, call 911 right away.'],
      ['It went away after I stopped.', 'I am glad it has settled. Please contact your clinician today before exercising again; symptoms that come with exertion and ease with rest should be checked promptly.'],
    ],
  },
];
