/**
 * The demo's working draft of the National Framework Contract for Children's Homes: clause
 * headings and text in the voice of the real thing, for people to try Concordat on.
 */

export interface DemoClause {
  readonly heading: string
  readonly paragraphs: readonly string[]
  readonly subclauses?: readonly DemoClause[]
}

export const DEMO_TITLE = 'National Framework Contract for Children’s Homes (working draft)'

export const DEMO_DESCRIPTION =
  'The standard terms on which local authorities place children and young people in independent children’s homes.'

export const DEMO_CLAUSES: readonly DemoClause[] = [
  { heading: 'Definitions and interpretation', paragraphs: [
    'In this Contract, “the Child” means the child or young person named in the Individual Placement Agreement; “the Council” means the placing local authority; and “the Provider” means the organisation registered to carry on the Home.',
    '“Care Plan” means the plan for the Child’s care prepared by the Council under the Children Act 1989, as amended from time to time, and “Placement Plan” means the plan agreed between the Council and the Provider describing how the Home will meet the Child’s needs.',
  ], subclauses: [
    { heading: 'Interpretation', paragraphs: ['Headings are for convenience only. References to a statute include any amendment or re-enactment of it. Words in the singular include the plural.'] },
  ] },
  { heading: 'Purpose of this Contract', paragraphs: [
    'This Contract sets out the terms on which the Council purchases, and the Provider supplies, residential care for children and young people, so that each Child is safe, is cared for and is helped to achieve their potential.',
    'The parties agree to work in partnership, in the best interests of the Child, and to resolve differences promptly and in good faith.',
  ] },
  { heading: 'Duration', paragraphs: [
    'This Contract starts on the Commencement Date and continues for three years, unless ended earlier under clause 20 (Termination). The parties may extend it by written agreement for a further period of up to two years.',
  ] },
  { heading: 'Placement referrals and matching', paragraphs: [
    'The Council will send the Provider a referral containing all information it holds that is relevant to the Child’s needs and to the safety of the Child and others, including any history of risk-taking behaviour.',
    'The Provider will confirm within two working days whether it can meet the Child’s needs, having regard to the needs of the children already living in the Home.',
  ] },
  { heading: 'Individual Placement Agreement', paragraphs: [
    'Each placement is made under an Individual Placement Agreement signed by both parties before, or in an emergency within three working days of, the Child’s arrival. It states the fee, the services included and any additional services.',
  ] },
  { heading: 'Care planning and the Placement Plan', paragraphs: [
    'The Provider will contribute to the Care Plan and will prepare the Placement Plan with the Child, the Child’s social worker and, where appropriate, the Child’s family, within five working days of the placement starting.',
    'The Provider will review the Placement Plan whenever the Child’s needs change and at least before each statutory review.',
  ] },
  { heading: 'Standards of care', paragraphs: [
    'The Provider will meet the Children’s Homes Regulations and the Quality Standards, and will keep its registration with the regulator in good standing throughout this Contract.',
  ] },
  { heading: 'The Child’s views and participation', paragraphs: [
    'The Provider will listen to the Child, take their wishes and feelings into account in every decision about their day-to-day life, and make sure the Child knows how to make a complaint and how to contact an independent advocate.',
    'A version of this Contract written for young people will be given to every Child at the start of their placement.',
  ] },
  { heading: 'Education', paragraphs: [
    'The Provider will make sure the Child attends school or another suitable education every day, supports the Child’s Personal Education Plan, and attends parents’ evenings and reviews as a good parent would.',
  ] },
  { heading: 'Health and wellbeing', paragraphs: [
    'The Provider will register the Child with a general practitioner and dentist within one week of arrival, support the Child to attend health assessments, and keep a record of all medication given.',
  ] },
  { heading: 'Contact with family and friends', paragraphs: [
    'The Provider will promote the Child’s contact with family and friends in line with the Care Plan and any court order, and will tell the Council promptly of any concern arising from contact.',
  ] },
  { heading: 'Safeguarding', paragraphs: [
    'The Provider will follow the procedures of the Local Safeguarding Children Partnership and will report any allegation or suspicion of harm to the Council and the local authority designated officer on the same day.',
  ], subclauses: [
    { heading: 'Children missing from care', paragraphs: ['If the Child is missing, the Provider will follow the agreed missing-from-care protocol, inform the police and the Council immediately, and offer the Child a return interview.'] },
    { heading: 'Safer recruitment', paragraphs: ['The Provider will carry out enhanced criminal record checks and take up two references for every person who works with children in the Home.'] },
  ] },
  { heading: 'Behaviour support and restraint', paragraphs: [
    'The Provider will use positive approaches to behaviour and will use physical restraint only to prevent injury or serious damage to property, recording each use and telling the Council within 24 hours.',
  ] },
  { heading: 'Notifications', paragraphs: [
    'The Provider will notify the Council without delay of any serious incident, illness, accident, police involvement or allegation involving the Child, and of any change to the Home’s registration or manager.',
  ] },
  { heading: 'Staffing', paragraphs: [
    'The Provider will employ enough suitably qualified, trained and supervised staff to meet the needs of every child in the Home at all times, and will tell the Council of any change of registered manager.',
  ] },
  { heading: 'Fees and payment', paragraphs: [
    'The Council will pay the weekly fee stated in the Individual Placement Agreement, monthly in arrears, within 30 days of receiving a valid invoice.',
    'Fees are reviewed once a year. The Provider will give at least three months’ notice of any proposed increase, with the reasons for it.',
  ] },
  { heading: 'Absence and retainers', paragraphs: [
    'If the Child is absent from the Home, for example in hospital or on holiday, the Council will continue to pay the full fee for up to 14 days and a retainer agreed in the Individual Placement Agreement thereafter.',
  ] },
  { heading: 'Monitoring and review', paragraphs: [
    'The Council may monitor the Provider’s performance against this Contract, including by visits to the Home on reasonable notice. The Provider will share inspection reports and the outcome of its own quality reviews.',
  ] },
  { heading: 'Information and records', paragraphs: [
    'The Provider will keep accurate records about the Child, will share them with the Council when asked, and will hand them to the Council when the placement ends. Both parties will comply with data protection law.',
  ] },
  { heading: 'Ending a placement', paragraphs: [
    'Unless there is an emergency, either party may end a placement by giving 28 days’ written notice, and the parties will plan the Child’s move together so that it happens in a planned and sensitive way.',
  ] },
  { heading: 'Termination', paragraphs: [
    'Either party may end this Contract by giving six months’ written notice. The Council may end it at once if the Provider’s registration is cancelled or the Provider commits a serious breach that it does not put right within 28 days of being asked to.',
  ] },
  { heading: 'Insurance and liability', paragraphs: [
    'The Provider will hold employer’s liability, public liability and professional indemnity insurance of at least the amounts stated in Schedule 2, and will show evidence of it on request.',
  ] },
  { heading: 'Complaints', paragraphs: [
    'Each party will deal with complaints from the Child, the Child’s family or the other party promptly and fairly under its complaints procedure, and will tell the other of the outcome.',
  ] },
  { heading: 'Disputes', paragraphs: [
    'The parties will try to settle any dispute by discussion between their named representatives, and then between senior managers. If that fails, either party may refer the dispute to mediation before starting proceedings.',
  ] },
  { heading: 'Variation', paragraphs: [
    'This Contract may be varied only in writing, signed by both parties. Changes agreed nationally by the steering group will be offered to the parties as a variation.',
  ] },
]
