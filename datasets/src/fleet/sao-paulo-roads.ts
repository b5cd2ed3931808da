/**
 * São Paulo roads where the simulated meters stand, with a posted limit typical of each
 * (40 local, 50 arterial — the city default since 2015 —, 60 main avenues, 70/90 expressways).
 */
export const SAO_PAULO_ROADS: ReadonlyArray<{ readonly name: string; readonly limits: readonly number[] }> = [
  { name: 'Av. Paulista', limits: [50] },
  { name: 'Av. Brigadeiro Faria Lima', limits: [50, 60] },
  { name: 'Av. Rebouças', limits: [50] },
  { name: 'Av. Consolação', limits: [50] },
  { name: 'Av. Ibirapuera', limits: [50, 60] },
  { name: 'Av. dos Bandeirantes', limits: [60, 70] },
  { name: 'Av. Vinte e Três de Maio', limits: [60, 70] },
  { name: 'Av. Washington Luís', limits: [60] },
  { name: 'Av. do Estado', limits: [60, 70] },
  { name: 'Av. Salim Farah Maluf', limits: [60, 70] },
  { name: 'Av. Aricanduva', limits: [50, 60] },
  { name: 'Av. Radial Leste', limits: [60, 70] },
  { name: 'Av. Sumaré', limits: [50] },
  { name: 'Av. Santo Amaro', limits: [50] },
  { name: 'Av. Nove de Julho', limits: [50] },
  { name: 'Av. Jacu-Pêssego', limits: [70, 80] },
  { name: 'Marginal Tietê (expressa)', limits: [90] },
  { name: 'Marginal Tietê (local)', limits: [70] },
  { name: 'Marginal Pinheiros (expressa)', limits: [90] },
  { name: 'Marginal Pinheiros (local)', limits: [70] },
  { name: 'Rod. Anhanguera (acesso)', limits: [80, 90] },
  { name: 'Rua Augusta', limits: [40] },
  { name: 'Rua da Consolação', limits: [40, 50] },
  { name: 'Rua Vergueiro', limits: [40, 50] },
  { name: 'Rua Teodoro Sampaio', limits: [40] },
  { name: 'Av. Engenheiro Luís Carlos Berrini', limits: [50] },
];

/** Directions of travel used in location texts. */
export const DIRECTIONS: readonly string[] = ['sentido Centro', 'sentido bairro', 'sentido Interior', 'sentido Capital'];
