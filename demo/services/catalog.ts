/** The hand-written catalog: every department's services, in department order. */
import {
  agricultureServices,
  commerceServices,
  cultureServices,
  emergencyManagementServices,
  fireRescueServices,
  govServicesDataServices,
  marketRegulationServices,
  taxationServices,
  transportServices,
} from './business.ts';
import { educationServices, healthServices } from './health-education.ts';
import {
  ecologyServices,
  forestryServices,
  housingConstructionServices,
  planningServices,
  urbanManagementServices,
  waterServices,
} from './land-housing.ts';
import type { ServiceSpec } from './model.ts';
import { civilAffairsServices, publicSecurityServices } from './residents.ts';
import { healthcareSecurityServices, housingFundServices, humanResourcesServices } from './social-security.ts';

/** The demo city's government services, written by hand from real Chinese government services. */
export const demoServices: ServiceSpec[] = [
  ...govServicesDataServices,
  ...publicSecurityServices,
  ...civilAffairsServices,
  ...healthServices,
  ...educationServices,
  ...humanResourcesServices,
  ...healthcareSecurityServices,
  ...housingFundServices,
  ...planningServices,
  ...housingConstructionServices,
  ...waterServices,
  ...ecologyServices,
  ...urbanManagementServices,
  ...forestryServices,
  ...marketRegulationServices,
  ...taxationServices,
  ...commerceServices,
  ...fireRescueServices,
  ...emergencyManagementServices,
  ...cultureServices,
  ...agricultureServices,
  ...transportServices,
];
